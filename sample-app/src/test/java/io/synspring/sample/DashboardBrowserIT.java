package io.synspring.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.synspring.sample.support.DeviceClient;
import io.synspring.sample.support.Http;
import io.synspring.sample.support.SampleCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through Debian's chromedriver (nothing is
 * downloaded), on node 1 of a three-node cluster of sample-app JVMs. Without Chromium the test is skipped on a
 * developer's machine and fails on CI (environment variable {@code CI} set): install it with
 * {@code apt-get install -y chromium chromium-driver}.
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Duration UPDATE = Duration.ofSeconds(15);

    private static SampleCluster cluster;
    private ChromeDriver browser;
    private Path profile;

    @BeforeAll
    static void requireChromiumAndStartCluster() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "Debian's chromium and chromium-driver are needed (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install -y chromium chromium-driver";
        if (!installed && System.getenv("CI") != null) {
            Assertions.fail("CI is set but " + missing);
        }
        Assumptions.assumeTrue(installed, "Dashboard browser test skipped: " + missing);
        cluster = SampleCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        profile = Files.createTempDirectory("dashboard-chromium-");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--user-data-dir=" + profile, "--window-size=1440,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void theDashboardShowsTheClusterAndFollowsDevicesAndNodesLive() throws IOException {
        // some devices to look at: simulated on nodes 2 and 3
        assertThat(Http.post(cluster.node(2).uri("/api/simulate?count=4&prefix=meter-&tenant=acme"), "").status())
                .isEqualTo(200);
        assertThat(Http.post(cluster.node(3).uri("/api/simulate?count=2&prefix=valve-&tenant=globex"), "").status())
                .isEqualTo(200);
        await().atMost(UPDATE)
                .until(() -> Http.get(cluster.node(1).uri("/api/cluster")).body().path("devices").asInt() == 6);

        browser.get("http://127.0.0.1:" + cluster.node(1).httpPort() + "/");

        // the page loads and shows the three nodes, node 1 as this node, live
        await("three node tiles").atMost(UPDATE).until(() -> nodeNames().equals(List.of("node-1", "node-2", "node-3")));
        assertThat(browser.getTitle()).contains("node-1");
        assertThat(browser.findElement(By.id("self-node")).getText()).isEqualTo("node-1");
        assertThat(selfNode()).isEqualTo("node-1");
        await("stream live").atMost(UPDATE)
                .until(() -> "live".equals(browser.findElement(By.id("status")).getAttribute("data-state")));
        assertThat(browser.findElement(By.id("node-count")).getText()).isEqualTo("3");
        assertThat(browser.findElement(By.id("device-count")).getText()).isEqualTo("6");
        assertThat(nodeDevices("node-2")).isEqualTo(4);
        assertThat(nodeDevices("node-3")).isEqualTo(2);
        assertThat(tenantDevices("acme")).isEqualTo(4);

        // a device connects to node 2: node 1's page updates by itself (pushed, the page never reloads)
        Object pageMarker = browser.executeScript("return window.__marker = Math.random();");
        try (DeviceClient device = DeviceClient.connect(cluster.node(2).httpPort(), "door-7", "initech")) {
            await("node-2 tile counts the new device").atMost(UPDATE).until(() -> nodeDevices("node-2") == 5);
            await("tenant initech listed").atMost(UPDATE).until(() -> tenantDevices("initech") == 1);
            await("event row for door-7").atMost(UPDATE).until(() -> !browser.findElements(
                    By.cssSelector("li.event[data-type='REGISTERED'][data-name='door-7']")).isEmpty());
            WebElement row =
                    browser.findElement(By.cssSelector("li.event[data-type='REGISTERED'][data-name='door-7']"));
            assertThat(row.getText()).contains("door-7").contains("node-2");
            assertThat(browser.findElement(By.id("device-count")).getText()).isEqualTo("7");
            assertThat(browser.executeScript("return window.__marker;")).as("same page, not reloaded")
                    .isEqualTo(pageMarker);
            screenshot("dashboard.png");
        }
        await("event row for door-7 leaving").atMost(UPDATE).until(() -> !browser.findElements(
                By.cssSelector("li.event[data-type='UNREGISTERED'][data-name='door-7']")).isEmpty());
        await("node-2 tile back to 4").atMost(UPDATE).until(() -> nodeDevices("node-2") == 4);

        // the page itself can be a device, with its token: it connects to node 1 and answers a ping sent from node 3
        WebElement connect = browser.findElement(By.cssSelector("form[data-action='connect']"));
        connect.findElement(By.name("id")).sendKeys("browser-1");
        WebElement tenant = connect.findElement(By.name("tenant"));
        tenant.clear();
        tenant.sendKeys("web");
        WebElement token = connect.findElement(By.name("token"));
        token.sendKeys(DeviceClient.token(DeviceClient.KEY, "browser-2"));
        connect.findElement(By.tagName("button")).click();
        await("another device's token refused").atMost(UPDATE)
                .until(() -> browser.findElement(By.id("output")).getText().contains("refused"));
        assertThat(Http.get(cluster.node(1).uri("/api/devices/browser-1")).status()).isEqualTo(404);
        token.clear();
        token.sendKeys(DeviceClient.token(DeviceClient.KEY, "browser-1"));
        connect.findElement(By.tagName("button")).click();
        await("browser device registered").atMost(UPDATE).until(() -> nodeDevices("node-1") == 1);
        await("node 3 finds it").atMost(UPDATE)
                .until(() -> Http.get(cluster.node(3).uri("/api/devices/browser-1")).status() == 200);
        JsonNode ping = Http.post(cluster.node(3).uri("/api/tenants/web/ping?timeoutMs=5000"), "").body();
        assertThat(ping.path("replies")).hasSize(1);
        assertThat(ping.path("replies").get(0).path("id").asString()).isEqualTo("browser-1");
        assertThat(ping.path("replies").get(0).path("reply").path("agent").asString()).isEqualTo("browser");
        connect.findElement(By.cssSelector("[data-secondary='disconnect']")).click();
        await("browser device gone").atMost(UPDATE)
                .until(() -> Http.get(cluster.node(3).uri("/api/devices/browser-1")).status() == 404);

        // kill -9 of node 3: its tile goes and its devices' NODE_DOWN unregistrations are listed
        cluster.node(3).kill();
        await("node-3 tile gone").atMost(UPDATE.plus(SampleCluster.FAILURE_TIMEOUT))
                .until(() -> nodeNames().equals(List.of("node-1", "node-2")));
        await("NODE_DOWN rows").atMost(UPDATE).until(() -> browser.findElements(By.cssSelector(
                "li.event[data-type='UNREGISTERED'][data-reason-type='NODE_DOWN']")).size() == 2);
        assertThat(browser.findElement(By.cssSelector("li.event[data-reason-type='NODE_DOWN']")).getText())
                .contains("NODE_DOWN node-3");
        assertThat(tenantDevices("globex")).as("node 3's tenant is gone").isEqualTo(-1);
        screenshot("dashboard-node-down.png");
    }

    // The tiles are redrawn on every snapshot: read them in one script call, never through a held element.

    @SuppressWarnings("unchecked")
    private List<String> nodeNames() {
        return (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#nodes .node')).map(tile => tile.dataset.node);");
    }

    private String selfNode() {
        return (String) browser.executeScript(
                "const tile = document.querySelector('#nodes .node.self'); return tile ? tile.dataset.node : null;");
    }

    private int nodeDevices(String node) {
        return count("#nodes .node[data-node='" + node + "'] .devices");
    }

    private int tenantDevices(String tenant) {
        return count("#tenants .tenant[data-tenant='" + tenant + "'] .count");
    }

    /** The data-count of the element {@code selector} selects, -1 if there is none. */
    private int count(String selector) {
        Object count = browser.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? Number(e.dataset.count) : -1;", selector);
        return ((Number) count).intValue();
    }

    private void screenshot(String name) throws IOException {
        Path target = Paths.get(System.getProperty("sample.screenshots", "target")).resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
