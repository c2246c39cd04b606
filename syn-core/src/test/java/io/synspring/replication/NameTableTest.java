package io.synspring.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.synspring.cluster.NodeId;
import io.synspring.process.ProcessRef;
import io.synspring.registry.Registration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The replica's name table: a map from name to registration, read lock-free while one thread writes. */
class NameTableTest {

    private static final NodeId NODE = new NodeId("owner", 1);

    private final NameTable table = new NameTable();

    private static Registration registration(String name, long process) {
        return new Registration(name, new ProcessRef(NODE, process), null, process);
    }

    @Test
    void findsWhatWasPutAndNotWhatWasRemoved() {
        Registration device = registration("device-1", 1);
        table.put(device);
        table.put(registration("device-2", 2));

        assertThat(table.get("device-1")).isSameAs(device);
        assertThat(table.get(new String("device-1".toCharArray()))).isSameAs(device);
        assertThat(table.get("device-3")).isNull();
        assertThat(table.size()).isEqualTo(2);

        table.remove("device-1");
        assertThat(table.get("device-1")).isNull();
        assertThat(table.get("device-2")).isNotNull();
        assertThat(table.size()).isEqualTo(1);
        table.remove("device-1"); // nothing there: no change
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void putReplacesTheRegistrationOfTheSameName() {
        table.put(registration("device", 1));
        Registration updated = registration("device", 2);
        table.put(updated);

        assertThat(table.get("device")).isSameAs(updated);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.values()).containsExactly(updated);
    }

    @Test
    void tellsApartNamesWithTheSameHashCode() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat("AaAa".hashCode()).isEqualTo("BBBB".hashCode()).isEqualTo("AaBB".hashCode());
        for (String name : List.of("Aa", "BB", "AaAa", "BBBB", "AaBB")) {
            table.put(registration(name, name.length()));
        }
        table.remove("BB");

        assertThat(table.get("Aa")).extracting(Registration::name).isEqualTo("Aa");
        assertThat(table.get("BB")).isNull();
        assertThat(table.get("BBBB")).extracting(Registration::name).isEqualTo("BBBB");
        assertThat(table.get("BBAa")).isNull();
    }

    @Test
    void holdsAnyCharactersAndLengths() {
        String cyrillic = "устройство-7";
        String emoji = "sensor-\uD83D\uDE80-\uD83C\uDF21";
        String empty = "";
        String longName = "x".repeat(70_000); // its length needs more than one char of the table
        for (String name : List.of(cyrillic, emoji, empty, longName)) {
            table.put(registration(name, name.length()));
        }

        assertThat(table.get(new String(cyrillic.toCharArray()))).extracting(Registration::name).isEqualTo(cyrillic);
        assertThat(table.get(emoji)).extracting(Registration::name).isEqualTo(emoji);
        assertThat(table.get(empty)).extracting(Registration::name).isEqualTo(empty);
        assertThat(table.get("x".repeat(70_000))).extracting(Registration::name).isEqualTo(longName);
        assertThat(table.get("x".repeat(69_999))).isNull();
        assertThat(table.get("x".repeat(4464))).isNull(); // 70,000 - 65,536: what a one-char length would read
    }

    @Test
    void keepsEverythingThroughGrowthAndChurn() {
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20_000; i++) {
                table.put(registration("device-" + i, round * 100_000L + i));
            }
            for (int i = 0; i < 20_000; i += 2) {
                table.remove("device-" + i);
            }
        }

        assertThat(table.size()).isEqualTo(10_000);
        assertThat(table.values()).hasSize(10_000).allSatisfy(registration -> {
            int i = Integer.parseInt(registration.name().substring("device-".length()));
            assertThat(i % 2).isEqualTo(1);
            assertThat(registration.process().id()).isEqualTo(400_000L + i);
        });
        for (int i = 0; i < 20_000; i++) {
            assertThat(table.get("device-" + i) != null).isEqualTo(i % 2 == 1);
        }
    }

    @Test
    void fillingATableInAnotherTablesOrderKeepsLookupsShort() {
        // what a replica does with a snapshot: the sender walked its own table, in its slot order
        NameTable sender = new NameTable(1);
        for (int i = 0; i < 100_000; i++) {
            sender.put(registration("up-" + i, i));
        }
        NameTable receiver = new NameTable(2);
        for (int round = 0; round < 3; round++) { // node up, node down, again: names come back past their removed slots
            int copied = 0;
            for (Registration registration : sender.values()) {
                receiver.put(registration);
                if (++copied % 2_000 == 0) { // while the table grows, not only once it is full
                    assertThat(receiver.longestProbe()).as("round %d, %d names", round, copied).isLessThan(64);
                }
            }
            sender.values().forEach(registration -> receiver.remove(registration.name()));
        }
    }

    /** One change: put (a version of) name {@code name}, or remove it. */
    record Change(boolean remove, int name, int version) {}

    /** Names with shared hash codes and shared prefixes, so that probing and comparing are exercised. */
    private static final List<String> NAMES = List.of("Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB", "a", "ab", "abc",
            "", "device-1", "device-10", "device-100", "\u00e9", "\uD83D\uDE80");

    @Provide
    Arbitrary<List<Change>> changes() {
        return Combinators.combine(Arbitraries.integers().between(0, 3).map(n -> n == 0),
                        Arbitraries.integers().between(0, NAMES.size() - 1), Arbitraries.integers().between(0, 5))
                .as(Change::new)
                .list()
                .ofMaxSize(400);
    }

    @Property(tries = 300)
    void behavesLikeAMap(@ForAll("changes") List<Change> changes) {
        NameTable names = new NameTable();
        Map<String, Registration> model = new HashMap<>();
        for (Change change : changes) {
            String name = NAMES.get(change.name());
            if (change.remove()) {
                names.remove(name);
                model.remove(name);
            } else {
                Registration registration = registration(name, change.version());
                names.put(registration);
                model.put(name, registration);
            }
            for (String any : NAMES) {
                assertThat(names.get(any)).as(any).isSameAs(model.get(any));
            }
            assertThat(names.size()).isEqualTo(model.size());
        }
        assertThat(names.values()).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void readersNeverSeeAMissingOrForeignEntryWhileTheWriterChurns() throws Exception {
        int stable = 2_000;
        for (int i = 0; i < stable; i++) {
            table.put(registration("stable-" + i, i));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> reads = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                reads.add(readers.submit(() -> {
                    long count = 0;
                    for (int i = seed; writing.get() || count < 100_000; i = (i + 7) % stable, count++) {
                        String stableName = "stable-" + i;
                        Registration found = table.get(stableName);
                        assertThat(found).as(stableName).isNotNull();
                        assertThat(found.name()).isEqualTo(stableName);
                        String churned = "churn-" + (i % 500);
                        Registration maybe = table.get(churned);
                        if (maybe != null) {
                            assertThat(maybe.name()).isEqualTo(churned);
                        }
                    }
                    return count;
                }));
            }
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 500; i++) {
                    table.put(registration("churn-" + i, round));
                }
                for (int i = 0; i < stable; i += 3) {
                    table.put(registration("stable-" + i, round * 10_000L + i)); // updated in place
                }
                for (int i = 0; i < 500; i++) {
                    table.remove("churn-" + i);
                }
            }
            writing.set(false);
            for (Future<Long> read : reads) {
                assertThat(read.get(1, TimeUnit.MINUTES)).isPositive();
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(table.size()).isEqualTo(stable);
    }
}
