package io.synspring.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a new String per lookup costs without the registry: the same 100k names and the same shuffled order
 * as {@link ReadBenchmark}, in a bare {@code ConcurrentHashMap<String, Object>}.
 *
 * <ul>
 *   <li>{@code keptName}: names kept by the caller, their hash cached ({@code registryLookup}'s case);
 *   <li>{@code newName}: a new String for each lookup ({@code registryLookupNewString}'s case);
 *   <li>{@code newNameBesideKeptName}: a new String made and hashed, but the kept name looked up: the
 *       lookup does not depend on the new String at all;
 *   <li>{@code garbageBesideKeptName}: a 32-byte array allocated beside the lookup of the kept name.
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Threads(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StringKeyBenchmark {

    private final ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
    private String[] probes = new String[0];
    private byte[][] probeBytes = new byte[0][];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String name = "device-" + i;
            names.add(name);
            map.put(new String(name.toCharArray()), new Object());
        }
        Collections.shuffle(names, new Random(42));
        probes = new String[names.size()];
        probeBytes = new byte[names.size()][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = new String(names.get(i).toCharArray());
            probeBytes[i] = names.get(i).getBytes(StandardCharsets.ISO_8859_1);
        }
        System.gc();
    }

    private int advance() {
        int i = next;
        next = i + 1 == probes.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public Object keptName() {
        return map.get(probes[advance()]);
    }

    @Benchmark
    public Object newName() {
        return map.get(new String(probeBytes[advance()], StandardCharsets.ISO_8859_1));
    }

    @Benchmark
    public Object newNameBesideKeptName(Blackhole blackhole) {
        int i = advance();
        blackhole.consume(new String(probeBytes[i], StandardCharsets.ISO_8859_1).hashCode());
        return map.get(probes[i]);
    }

    @Benchmark
    public Object garbageBesideKeptName(Blackhole blackhole) {
        int i = advance();
        blackhole.consume(new byte[32]);
        return map.get(probes[i]);
    }
}
