package io.synspring.sample.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.sample.SampleProperties;
import io.synspring.sample.support.DeviceClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Device tokens: the README's openssl one-liner and the gateway agree, and the key is required to be long. */
class DeviceTokensTests {

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Tokens.class);

    @Test
    void aTokenIsTheSameAsTheReadmesOpensslCommandGivesAndFitsItsOwnIdOnly() {
        // printf %s "$ID" | openssl dgst -sha256 -hmac "$KEY" -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='
        DeviceTokens tokens = tokens(DeviceClient.KEY);
        assertThat(tokens.tokenFor("thermostat-1")).isEqualTo("K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR-7r5-2yv5k");
        assertThat(tokens.tokenFor("café ü/1")).isEqualTo("lzQi2OunfMjdFYwZg7wT4iAcqwmwfrqzv8x5F-PxYGc");

        assertThat(tokens.matches("thermostat-1", "K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR-7r5-2yv5k")).isTrue();
        assertThat(tokens.matches("thermostat-1", "K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR-7r5-2yv5k=")).isTrue();
        assertThat(tokens.matches("thermostat-2", "K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR-7r5-2yv5k")).isFalse();
        assertThat(tokens.matches("thermostat-1", "K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR-7r5-2yv5")).isFalse();
        assertThat(tokens.matches("thermostat-1", "K7HfzhQJQ1COPTk6RBrk3OZB4oZlqRwqR+7r5+2yv5k")).isFalse();
        assertThat(tokens.matches("thermostat-1", "")).isFalse();
        assertThat(tokens.matches("thermostat-1", null)).isFalse();
    }

    @Test
    void aKeyShorterThan32CharactersFailsStartupSayingHowToMakeOne() {
        context.withPropertyValues("sample.devices.key=short-secret").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).rootCause().hasMessage("sample.devices.key is 12 characters long: "
                    + "it must have at least 32. Make one with: openssl rand -base64 32");
        });
    }

    @Test
    void withoutAKeyEachStartMakesARandomKeyOfItsOwn() {
        List<String> tokens = new ArrayList<>();
        for (int start = 0; start < 2; start++) {
            context.run(started -> tokens.add(started.getBean(DeviceTokens.class).tokenFor("lamp-1")));
        }
        assertThat(tokens).doesNotHaveDuplicates();
        assertThat(tokens).doesNotContain(DeviceClient.token(DeviceClient.KEY, "lamp-1"));
    }

    private static DeviceTokens tokens(String key) {
        return new DeviceTokens(new SampleProperties(new SampleProperties.Devices(key),
                new SampleProperties.Dashboard(List.of())));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SampleProperties.class)
    @Import(DeviceTokens.class)
    static class Tokens {}
}
