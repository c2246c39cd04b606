package org.example.foreign;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/** A value outside the allowed packages, with a Compact serializer the member's configuration registers. */
public record Token(String value) {

    /** The registered serializer, type name "token". */
    public static final class Serializer implements CompactSerializer<Token> {

        @Override
        public Token read(CompactReader reader) {
            return new Token(reader.readString("value"));
        }

        @Override
        public void write(CompactWriter writer, Token token) {
            writer.writeString("value", token.value());
        }

        @Override
        public String getTypeName() {
            return "token";
        }

        @Override
        public Class<Token> getCompactClass() {
            return Token.class;
        }
    }
}
