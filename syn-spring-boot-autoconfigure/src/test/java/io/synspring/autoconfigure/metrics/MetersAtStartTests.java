package io.synspring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.synspring.autoconfigure.SynAutoConfiguration;
import io.synspring.autoconfigure.TestClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every meter the configuration guide lists exists as soon as the node has started, before any event, so a
 * dashboard or an alert on it finds it; the per-peer ones exist while there is a peer.
 */
class MetersAtStartTests {

    private static final Path GUIDE = Path.of("../docs/configuration.md");
    private static final Pattern METER_ROW = Pattern.compile("^\\| `(syn\\.[a-z.]+)` \\|", Pattern.MULTILINE);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SynAutoConfiguration.class, SynMetricsAutoConfiguration.class,
                    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class));

    @Test
    void everyDocumentedMeterIsRegisteredAtStart() throws IOException {
        Set<String> documented = documentedMeters();
        assertThat(documented).contains("syn.joins", "syn.leaves", "syn.conflicts", "syn.sync.duration",
                "syn.transport.peer.messages");
        runner.withPropertyValues(TestClusters.standalone()).withPropertyValues("syn.scopes=devices").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Set<String> registered = new TreeSet<>();
            for (Meter meter : meters.getMeters()) {
                registered.add(meter.getId().getName());
            }
            Set<String> expected = new TreeSet<>(documented);
            expected.removeIf(name -> name.startsWith("syn.transport.peer.")); // no peer on a standalone node
            assertThat(registered).containsAll(expected);
            assertThat(meters.get("syn.joins").tag("scope", "devices").tag("reason", "NORMAL").counter().count())
                    .isZero();
            assertThat(meters.get("syn.conflicts").tag("scope", "default").counter().count()).isZero();
            assertThat(meters.get("syn.replication.lag").tag("scope", "devices").timer().count()).isZero();
        });
    }

    private static Set<String> documentedMeters() throws IOException {
        String guide = Files.readString(GUIDE);
        String section = guide.substring(guide.indexOf("## Meters"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> names = new TreeSet<>();
        Matcher row = METER_ROW.matcher(section);
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }
}
