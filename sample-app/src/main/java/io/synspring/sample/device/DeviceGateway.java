package io.synspring.sample.device;

import io.synspring.NodeId;
import io.synspring.NodeRegistry;
import io.synspring.groups.Groups;
import io.synspring.process.ProcessRef;
import io.synspring.process.SynProcess;
import io.synspring.registry.RegisterResult;
import io.synspring.registry.Registration;
import io.synspring.registry.Registry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Where devices meet Syn. A connected device (a WebSocket or a simulated one) is a local process, registered in
 * scope {@value #SCOPE} under its id with metadata {@code {id, tenant, node, connectedAt, kind}} and a member
 * of group {@code tenant:{tenant}} with the same metadata. The registry and the groups are replicated to every
 * node, so any node finds the device, sends it messages, broadcasts to its tenant or pings the tenant's
 * devices; when the process ends its name and membership vanish cluster-wide.
 */
@Service
public class DeviceGateway {

    /** The Syn scope of the devices (the nodes are configured with {@code syn.scopes=devices}). */
    public static final String SCOPE = "devices";
    /** Group name prefix: the devices of tenant {@code t} are the members of group {@code tenant:t}. */
    public static final String TENANT_GROUP_PREFIX = "tenant:";
    /** Kinds of devices, in the metadata. */
    public static final String WEBSOCKET = "websocket";
    public static final String SIMULATED = "simulated";

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final NodeRegistry syn;
    private final ObjectMapper json;
    private final Map<String, SynProcess> simulated = new ConcurrentHashMap<>();

    public DeviceGateway(NodeRegistry syn, ObjectMapper json) {
        this.syn = syn;
        this.json = json;
    }

    public static String tenantGroup(String tenant) {
        return TENANT_GROUP_PREFIX + tenant;
    }

    /** @throws IllegalArgumentException naming the rule when {@code tenant} is not a short plain name */
    public static String checkTenant(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("a tenant is 1 to 64 letters, digits or . _ ~ -: '" + tenant + "'");
        }
        return tenant;
    }

    /**
     * @throws IllegalArgumentException when {@code id} is blank, or holds a character that
     *     {@code /api/devices/{id}} could not carry ({@code / \ ;} or a control character); Syn checks the length
     */
    public static String checkDeviceId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a device id must not be blank");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\' || c == ';' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("a device id must not contain '/', '\\', ';' or control "
                        + "characters, which /api/devices/{id} could not address: '" + id + "'");
            }
        }
        return id;
    }

    public NodeRegistry syn() {
        return syn;
    }

    public Registry registry() {
        return syn.registry(SCOPE);
    }

    public Groups groups() {
        return syn.groups(SCOPE);
    }

    /** This node's name, as set by {@code syn.node-name}. */
    public String nodeName() {
        return syn.node().name();
    }

    public ObjectMapper json() {
        return json;
    }

    /** The result of {@link #attach}: registered, or the name is held by another process (on {@code node}). */
    public record Attached(boolean ok, RegisterResult result, Optional<String> holderNode) {}

    /**
     * Registers the running {@code process} as device {@code id} of {@code tenant} and joins it to the tenant's
     * group. A name held by another live process is refused ({@link RegisterResult#TAKEN}).
     */
    public Attached attach(String id, String tenant, String kind, SynProcess process) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("id", id);
        meta.put("tenant", tenant);
        meta.put("node", nodeName());
        meta.put("connectedAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        meta.put("kind", kind);
        RegisterResult result = registry().register(id, process.ref(), meta);
        if (result != RegisterResult.OK) {
            return new Attached(false, result,
                    registry().lookup(id).map(registration -> registration.node().name()));
        }
        groups().join(tenantGroup(tenant), process.ref(), meta);
        return new Attached(true, result, Optional.of(nodeName()));
    }

    /** The device {@code id} from this node's replica. */
    public Optional<Registration> lookup(String id) {
        return registry().lookup(checkDeviceId(id));
    }

    /** The id a device process was registered with, from its (group or registry) metadata. */
    public static String deviceId(Object meta, ProcessRef process) {
        if (meta instanceof Map<?, ?> map && map.get("id") != null) {
            return String.valueOf(map.get("id"));
        }
        return process.toString();
    }

    /** The node name of a process. */
    public static String nodeOf(ProcessRef process) {
        return process.node().name();
    }

    /** The count of devices of every visible node, by node name. */
    public Map<String, Integer> devicesByNode() {
        Map<String, Integer> byNode = new TreeMap<>();
        for (NodeId node : syn.nodes()) {
            byNode.merge(node.name(), registry().count(node), Integer::sum);
        }
        return byNode;
    }

    /** What {@link #simulate} did. */
    public record Simulation(int started, long millis) {}

    /**
     * Starts {@code count} simulated devices {@code prefix0 .. prefix(count-1)} of {@code tenant} on this node:
     * processes without a socket, registered and joined like real devices, answering pings themselves. Names
     * already held (here or on another node) are skipped.
     */
    public Simulation simulate(int count, String prefix, String tenant) {
        checkTenant(tenant);
        if (count < 0 || count > 100_000) {
            throw new IllegalArgumentException("count must be between 0 and 100000: " + count);
        }
        long start = System.nanoTime();
        int started = 0;
        for (int i = 0; i < count; i++) {
            String id = checkDeviceId(prefix + i);
            SynProcess process = syn.spawn(new SimulatedDevice(id, nodeName(), json));
            if (attach(id, tenant, SIMULATED, process).ok()) {
                simulated.put(id, process);
                process.onExit(reason -> simulated.remove(id, process));
                started++;
            } else {
                process.stop();
            }
        }
        return new Simulation(started, (System.nanoTime() - start) / 1_000_000);
    }

    /** Stops this node's simulated devices whose id starts with {@code prefix} (all with an empty prefix). */
    public int stopSimulated(String prefix) {
        int stopped = 0;
        for (Map.Entry<String, SynProcess> entry : simulated.entrySet()) {
            if (entry.getKey().startsWith(prefix) && simulated.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().stop();
                stopped++;
            }
        }
        return stopped;
    }

    /** How many simulated devices run on this node. */
    public int simulatedCount() {
        return simulated.size();
    }
}
