package dev.cloudhop.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A local HTTPS server answering like Azure Resource Manager and Microsoft Entra ID, for the parts of the
 * Azure provider that have no emulator: DNS zones and record sets, Traffic Manager profiles, virtual
 * machines and network interfaces, generic resource listing, the client-credentials token endpoint, and
 * long-running operations ({@code Azure-AsyncOperation} and {@code Location} polling).
 *
 * <p>Its payloads, status codes, error envelopes and headers follow recorded ARM responses
 * ({@code src/test/resources/arm}); its state is a map of resources, so a test can create, read, list and
 * delete as against the real service. It is NOT Azure: tests against it prove the provider speaks the
 * protocol as recorded, not that Azure behaves as recorded today. It listens on a free loopback port with
 * a self-signed certificate made by {@code keytool} ({@link #certificatePem()} is what clients trust).
 * Faults can be injected ({@link #failNext}). Thread-safe.
 */
final class RecordedArmServer implements AutoCloseable {

    static final String TENANT = "8f1c7a3e-52b4-4b8e-9d8c-0d7a6a1f0c11";
    static final String SUBSCRIPTION = "2d6a4b8e-7c1f-4a3b-b6e2-93f0c1d5e7a4";
    static final String CLIENT_ID = "5b3e0c9a-1d2f-4e6a-8b7c-4f0e2d1a9c36";
    static final String RESOURCE_GROUP = "cloudhop-dr";
    static final String LOCATION = "westeurope";
    static final String SUBNET_ID = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP
            + "/providers/Microsoft.Network/virtualNetworks/cloudhop-vnet/subnets/default";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RG_PATH = Pattern.compile("(?i)/subscriptions/([^/]+)/resourceGroups/([^/]+)(/.*)?");
    private static final Pattern OPERATION_PATH = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/([^/]+)/locations/([^/]+)/(operations|operationResults)/([^/]+)");

    /** A fault to answer with instead of the normal response. */
    private record Fault(Predicate<String> matches, String errorKey, AtomicInteger remaining) {
    }

    /** How the next long-running operation started by a matching request ends (a recorded status document). */
    private record OperationOutcome(Predicate<String> matches, String template, AtomicInteger remaining) {
    }

    /** A long-running operation: polls left before it completes, what completing does, and how it ends. */
    private static final class Operation {
        final AtomicInteger pollsLeft;
        final Runnable completion;
        final String resourceUrl;
        final boolean delete;
        /** The recorded status document it ends with: operationSucceeded, operationFailed..., operationCanceled. */
        final String outcome;
        volatile boolean done;

        Operation(int polls, Runnable completion, String resourceUrl, boolean delete, String outcome) {
            this.pollsLeft = new AtomicInteger(polls);
            this.completion = completion;
            this.resourceUrl = resourceUrl;
            this.delete = delete;
            this.outcome = outcome;
        }

        boolean succeeded() {
            return outcome.equals("operationSucceeded");
        }

        synchronized void pollOnce() {
            if (done) {
                return;
            }
            if (pollsLeft.getAndDecrement() <= 0) {
                completion.run();
                done = true;
            }
        }
    }

    private final Path dir;
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "recorded-arm");
        t.setDaemon(true);
        return t;
    });
    private final String clientSecret = "mock-" + UUID.randomUUID();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, ObjectNode> resources = new ConcurrentSkipListMap<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
    private final List<OperationOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> monitorOverrides = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ipCounter = new AtomicInteger(4);
    private final JsonNode errors;
    private final JsonNode templates;

    RecordedArmServer() {
        try {
            errors = JSON.readTree(resource("arm/errors.json"));
            templates = JSON.readTree(resource("arm/templates.json"));
            dir = Files.createTempDirectory("cloudhop-arm-");
            SSLContext ssl = selfSigned(dir);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl));
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
            seed();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the recorded ARM server", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = RecordedArmServer.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return in;
    }

    /** A key pair and self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("arm.p12");
        char[] password = UUID.randomUUID().toString().toCharArray();
        run(List.of(keytool.toString(), "-genkeypair", "-alias", "arm", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(password),
                "-keypass", new String(password)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ks.getCertificate("arm").getEncoded()) + "\n-----END CERTIFICATE-----\n";
        Files.writeString(dir.resolve("arm.pem"), pem, StandardCharsets.US_ASCII);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    private void seed() {
        ObjectNode vnet = JSON.createObjectNode();
        String vnetId = SUBNET_ID.substring(0, SUBNET_ID.indexOf("/subnets/"));
        vnet.put("id", vnetId).put("name", "cloudhop-vnet").put("type", "Microsoft.Network/virtualNetworks")
                .put("location", LOCATION);
        vnet.putObject("properties").put("provisioningState", "Succeeded").putObject("addressSpace")
                .putArray("addressPrefixes").add("10.0.0.0/16");
        resources.put(key(vnetId), vnet);
        ObjectNode subnet = JSON.createObjectNode();
        subnet.put("id", SUBNET_ID).put("name", "default").put("type", "Microsoft.Network/virtualNetworks/subnets");
        subnet.putObject("properties").put("addressPrefix", "10.0.0.0/24").put("provisioningState", "Succeeded");
        resources.put(key(SUBNET_ID), subnet);
    }

    /** {@code https://127.0.0.1:<port>/}: the Resource Manager endpoint and the authority host. */
    URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** The PEM file of the server's certificate, for {@code arm.trusted-certificates}. */
    Path certificatePem() {
        return dir.resolve("arm.pem");
    }

    /** The client secret the token endpoint accepts for {@link #CLIENT_ID}. */
    String clientSecret() {
        return clientSecret;
    }

    /** The next {@code count} requests whose "METHOD path" matches answer with a recorded error. */
    void failNext(int count, String errorKey, Predicate<String> requestLine) {
        if (!errors.has(errorKey)) {
            throw new IllegalArgumentException("no recorded error " + errorKey);
        }
        faults.add(new Fault(requestLine, errorKey, new AtomicInteger(count)));
    }

    /**
     * The next {@code count} long-running operations started by a request whose "METHOD path" matches end with
     * the recorded status document {@code outcome} ({@code operationFailedAllocation}, {@code operationFailedQuota},
     * {@code operationCanceled}) instead of Succeeded. As on Azure, the resource stays, in provisioning state
     * Failed or Canceled.
     */
    void endNextOperations(int count, String outcome, Predicate<String> requestLine) {
        if (!templates.has(outcome) || !templates.get(outcome).has("error")) {
            throw new IllegalArgumentException("no recorded failed operation " + outcome);
        }
        outcomes.add(new OperationOutcome(requestLine, outcome, new AtomicInteger(count)));
    }

    /** Clears injected faults and operation outcomes. */
    void clearFaults() {
        faults.clear();
        outcomes.clear();
    }

    /** The ids of the resources the server holds now (lower case). */
    Set<String> resourceIds() {
        return Set.copyOf(resources.keySet());
    }

    private String outcomeFor(String line) {
        synchronized (outcomes) {
            for (OperationOutcome o : outcomes) {
                if (o.matches().test(line) && o.remaining().getAndDecrement() > 0) {
                    return o.template();
                }
            }
        }
        return "operationSucceeded";
    }

    /** Makes Traffic Manager report this endpoint target with this monitor status (e.g. Degraded). */
    void setEndpointMonitorStatus(String target, String status) {
        monitorOverrides.put(target, status);
    }

    /** The request lines seen so far ("METHOD /path"). */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    // --------------------------------------------------------------------------------------------------

    private record Answer(int status, Map<String, String> headers, JsonNode body) {
        static Answer of(int status, JsonNode body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            // ARM, like most front ends, tolerates the '//' of an endpoint ending in '/' joined to a resource id
            // (a request target "//subscriptions/..." parses as a URI with authority "subscriptions")
            String rawPath = uri.getScheme() == null && uri.getRawAuthority() != null
                    ? "//" + uri.getRawAuthority() + uri.getRawPath() : uri.getRawPath();
            String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8).replaceAll("/{2,}", "/");
            Map<String, String> query = query(uri.getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String line = method + " " + path;
            requests.add(line);
            Answer answer;
            try {
                answer = route(exchange, method, path, query, body, line);
            } catch (RuntimeException e) {
                answer = error("InternalServerError", Map.of("name", e.toString()));
            }
            respond(exchange, answer);
        }
    }

    private Answer route(HttpExchange exchange, String method, String path, Map<String, String> query, byte[] body,
                         String line) throws IOException {
        if (path.endsWith("/oauth2/v2.0/token") && method.equals("POST")) {
            return token(path, new String(body, StandardCharsets.UTF_8));
        }
        if (path.endsWith("/.well-known/openid-configuration")) {
            return Answer.of(200, fill(templates.get("openid-configuration"), Map.of("authority", uri().toString(),
                    "tenant", TENANT)));
        }
        if (!path.toLowerCase(Locale.ROOT).startsWith("/subscriptions/")) {
            return Answer.of(404, JSON.createObjectNode().put("error", "not found: " + path));
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            return error("AuthenticationFailed", Map.of());
        }
        if (!auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
            return error("InvalidAuthenticationToken", Map.of());
        }
        Fault fault = null;
        synchronized (faults) {
            for (Fault f : faults) {
                if (f.matches().test(line) && f.remaining().getAndDecrement() > 0) {
                    fault = f;
                    break;
                }
            }
        }
        if (fault != null) {
            Answer a = error(fault.errorKey(), Map.of("name", CLIENT_ID));
            return a.status() == 429 ? new Answer(429, Map.of("Retry-After", "1"), a.body()) : a;
        }
        if (!query.containsKey("api-version")) {
            return error("MissingApiVersionParameter", Map.of());
        }
        Matcher op = OPERATION_PATH.matcher(path);
        if (op.matches()) {
            return operation(op.group(5), op.group(4).equalsIgnoreCase("operationResults"));
        }
        Matcher rg = RG_PATH.matcher(path);
        if (!rg.matches() || !rg.group(1).equals(SUBSCRIPTION)) {
            return Answer.of(404, error("ResourceNotFound", Map.of("type", "subscription", "name", path)).body());
        }
        if (!rg.group(2).equalsIgnoreCase(RESOURCE_GROUP)) {
            return error("ResourceGroupNotFound", Map.of("name", rg.group(2)));
        }
        String rest = rg.group(3) == null ? "" : rg.group(3);
        String[] s = rest.split("/");
        // s[0] is empty
        if (s.length == 2 && s[1].equalsIgnoreCase("resources") && method.equals("GET")) {
            return listGeneric(query.getOrDefault("$filter", ""));
        }
        if (s.length >= 4 && s[1].equalsIgnoreCase("providers")) {
            String ns = s[2].toLowerCase(Locale.ROOT);
            String type = s[3].toLowerCase(Locale.ROOT);
            if (ns.equals("microsoft.network") && type.equals("dnszones")) {
                return dns(method, s, query, body, exchange.getRequestHeaders().getFirst("If-None-Match"));
            }
            if (ns.equals("microsoft.network") && type.equals("trafficmanagerprofiles")) {
                return traffic(method, s, body);
            }
            if (ns.equals("microsoft.network") && type.equals("networkinterfaces") && s.length == 5) {
                return lroResource(method, "Microsoft.Network/networkInterfaces", s[4], body, "Microsoft.Network", line);
            }
            if (ns.equals("microsoft.compute") && type.equals("virtualmachines") && s.length == 5) {
                return lroResource(method, "Microsoft.Compute/virtualMachines", s[4], body, "Microsoft.Compute", line);
            }
            if (ns.equals("microsoft.network") && type.equals("virtualnetworks") && method.equals("GET")) {
                ObjectNode r = resources.get(key(path));
                return r == null ? error("ResourceNotFound", Map.of("type", "Microsoft.Network/virtualNetworks",
                        "name", s[s.length - 1])) : Answer.of(200, r);
            }
        }
        return Answer.of(400, JSON.createObjectNode().set("error", JSON.createObjectNode()
                .put("code", "InvalidResourceType").put("message", "The resource type could not be found in the namespace for api version.")));
    }

    // ---- identity

    private Answer token(String path, String form) {
        Map<String, String> params = query(form);
        if (!path.startsWith("/" + TENANT + "/")) {
            return Answer.of(400, JSON.createObjectNode().put("error", "invalid_request")
                    .put("error_description", "AADSTS90002: Tenant not found."));
        }
        if (!CLIENT_ID.equals(params.get("client_id")) || !clientSecret.equals(params.get("client_secret"))
                || !"client_credentials".equals(params.get("grant_type"))) {
            return error("invalid_client", Map.of("name", String.valueOf(params.get("client_id"))));
        }
        String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0." + UUID.randomUUID();
        tokens.add(token);
        return Answer.of(200, fill(templates.get("token"), Map.of("token", token)));
    }

    // ---- long-running operations

    /** An operation that reports InProgress {@code polls} times, then completes with {@code outcome}. */
    private String startOperation(int polls, Runnable completion, String resourceUrl, boolean delete, String outcome) {
        String id = UUID.randomUUID().toString();
        operations.put(id, new Operation(polls, completion, resourceUrl, delete, outcome));
        return id;
    }

    private Map<String, String> lroHeaders(String namespace, String opId) {
        String base = uri() + "subscriptions/" + SUBSCRIPTION + "/providers/" + namespace + "/locations/" + LOCATION;
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Azure-AsyncOperation", base + "/operations/" + opId + "?api-version=2024-07-01");
        h.put("Location", base + "/operationResults/" + opId + "?api-version=2024-07-01");
        return h;
    }

    private Answer operation(String opId, boolean locationStyle) {
        Operation op = operations.get(opId);
        if (op == null) {
            return error("ResourceNotFound", Map.of("type", "operations", "name", opId));
        }
        op.pollOnce();
        if (!op.done) {
            if (locationStyle) {
                return new Answer(202, Map.of("Location", uri() + op.resourceUrl.substring(1)), null);
            }
            return new Answer(200, Map.of(), templates.get("operationInProgress"));
        }
        JsonNode status = fill(templates.get(op.outcome), Map.of("operation", opId));
        if (locationStyle && !op.succeeded()) {
            // the Location URL of a failed operation answers with the failed request's status and the ARM error
            return Answer.of(status.path("status").asText().equals("Canceled") ? 409 : 400,
                    JSON.createObjectNode().set("error", status.get("error")));
        }
        if (locationStyle) {
            ObjectNode r = op.delete ? null : resources.get(key(op.resourceUrl));
            return r == null ? new Answer(204, Map.of(), null) : Answer.of(200, r);
        }
        return Answer.of(200, status);
    }

    // ---- generic resources (VMs, NICs)

    private String rgId() {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP;
    }

    private Answer lroResource(String method, String type, String name, byte[] body, String namespace, String line)
            throws IOException {
        String id = rgId() + "/providers/" + type + "/" + name;
        ObjectNode existing = resources.get(key(id));
        switch (method) {
            case "GET" -> {
                return existing == null ? error("ResourceNotFound", Map.of("type", type, "name", name)) : Answer.of(200, existing);
            }
            case "PUT" -> {
                ObjectNode in = (ObjectNode) JSON.readTree(body);
                Optional<Answer> invalid = type.endsWith("virtualMachines") ? validateVm(in) : validateNic(in);
                if (invalid.isPresent()) {
                    return invalid.get();
                }
                ObjectNode r = JSON.createObjectNode();
                r.put("id", id).put("name", name).put("type", type).put("location", in.path("location").asText(LOCATION));
                r.set("tags", in.has("tags") ? in.get("tags") : JSON.createObjectNode());
                ObjectNode props = in.has("properties") ? ((ObjectNode) in.get("properties")).deepCopy() : JSON.createObjectNode();
                if (type.endsWith("virtualMachines")) {
                    props.put("vmId", UUID.randomUUID().toString()).put("timeCreated", java.time.Instant.now().toString());
                    if (props.get("osProfile") instanceof ObjectNode os) {
                        os.remove("customData"); // never returned by ARM
                    }
                } else {
                    for (JsonNode cfg : props.path("ipConfigurations")) {
                        ((ObjectNode) cfg.get("properties")).put("privateIPAddress", "10.0.0." + ipCounter.getAndIncrement())
                                .put("provisioningState", "Succeeded").put("primary", true);
                    }
                }
                props.put("provisioningState", existing == null ? "Creating" : "Updating");
                r.set("properties", props);
                resources.put(key(id), r);
                String outcome = outcomeFor(line);
                String finalState = templates.get(outcome).path("status").asText();
                String opId = startOperation(1, () -> props.put("provisioningState", finalState), id, false, outcome);
                return new Answer(existing == null ? 201 : 200, lroHeaders(namespace, opId), r);
            }
            case "DELETE" -> {
                if (existing == null) {
                    return new Answer(204, Map.of(), null);
                }
                if (type.endsWith("networkInterfaces")) {
                    Optional<String> user = vmUsing(id);
                    if (user.isPresent()) {
                        return error("NicInUse", Map.of("name", id, "type", user.get()));
                    }
                }
                ((ObjectNode) existing.get("properties")).put("provisioningState", "Deleting");
                String outcome = outcomeFor(line);
                if (!outcome.equals("operationSucceeded")) {
                    String opId = startOperation(1, () -> ((ObjectNode) existing.get("properties"))
                            .put("provisioningState", "Failed"), id, true, outcome);
                    return new Answer(202, lroHeaders(namespace, opId), null);
                }
                String opId = startOperation(1, () -> {
                    resources.remove(key(id));
                    for (JsonNode nic : existing.path("properties").path("networkProfile").path("networkInterfaces")) {
                        if ("Delete".equals(nic.path("properties").path("deleteOption").asText())) {
                            resources.remove(key(nic.path("id").asText()));
                        }
                    }
                }, id, true, outcome);
                return new Answer(202, lroHeaders(namespace, opId), null);
            }
            default -> {
                return Answer.of(405, JSON.createObjectNode());
            }
        }
    }

    /** The VM whose network profile references this NIC: Azure refuses to delete a NIC in use (NicInUse). */
    private Optional<String> vmUsing(String nicId) {
        for (ObjectNode r : resources.values()) {
            if (r.path("type").asText().equals("Microsoft.Compute/virtualMachines")) {
                for (JsonNode nic : r.path("properties").path("networkProfile").path("networkInterfaces")) {
                    if (nic.path("id").asText().equalsIgnoreCase(nicId)) {
                        return Optional.of(r.path("id").asText());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Answer> validateVm(ObjectNode vm) {
        JsonNode props = vm.path("properties");
        String size = props.path("hardwareProfile").path("vmSize").asText("");
        List<String> sizes = new ArrayList<>();
        templates.get("vmSizes").forEach(n -> sizes.add(n.asText()));
        if (!sizes.contains(size)) {
            return Optional.of(error("InvalidVmSize", Map.of("name", size, "sizes", String.join(",", sizes))));
        }
        JsonNode image = props.path("storageProfile").path("imageReference");
        if (image.has("id")) {
            if (!resources.containsKey(key(image.get("id").asText()))) {
                return Optional.of(error("PlatformImageNotFound", Map.of("name", image.get("id").asText())));
            }
        } else {
            String urn = image.path("publisher").asText() + ":" + image.path("offer").asText() + ":" + image.path("sku").asText();
            boolean known = false;
            for (JsonNode n : templates.get("platformImages")) {
                known |= n.asText().equalsIgnoreCase(urn);
            }
            // a platform image version is "latest" or major.minor.patch
            known &= image.path("version").asText().matches("latest|\\d+\\.\\d+\\.\\d+");
            if (!known) {
                return Optional.of(error("PlatformImageNotFound", Map.of("name", urn + ":" + image.path("version").asText())));
            }
        }
        for (JsonNode nic : props.path("networkProfile").path("networkInterfaces")) {
            if (!resources.containsKey(key(nic.path("id").asText()))) {
                return Optional.of(error("InvalidResourceReference", Map.of("name", nic.path("id").asText(),
                        "type", "virtualMachines")));
            }
        }
        return Optional.empty();
    }

    private Optional<Answer> validateNic(ObjectNode nic) {
        for (JsonNode cfg : nic.path("properties").path("ipConfigurations")) {
            String subnet = cfg.path("properties").path("subnet").path("id").asText();
            if (!resources.containsKey(key(subnet))) {
                return Optional.of(error("InvalidResourceReference", Map.of("name", subnet, "type", "networkInterfaces")));
            }
        }
        return Optional.empty();
    }

    private Answer listGeneric(String filter) {
        Matcher m = Pattern.compile("(?i)resourceType eq '([^']+)'").matcher(filter);
        String wanted = m.find() ? m.group(1) : null;
        ArrayNode value = JSON.createArrayNode();
        for (ObjectNode r : resources.values()) {
            String type = r.path("type").asText();
            if (type.contains("/subnets") || type.startsWith("Microsoft.Network/dnszones/")) {
                continue;
            }
            if (wanted == null || wanted.equalsIgnoreCase(type)) {
                ObjectNode item = JSON.createObjectNode();
                item.put("id", r.path("id").asText()).put("name", r.path("name").asText()).put("type", type)
                        .put("location", r.path("location").asText());
                item.set("tags", r.has("tags") ? r.get("tags") : JSON.createObjectNode());
                item.put("provisioningState", r.path("properties").path("provisioningState").asText("Succeeded"));
                value.add(item);
            }
        }
        return Answer.of(200, JSON.createObjectNode().set("value", value));
    }

    // ---- DNS

    private String zoneId(String zone) {
        return rgId() + "/providers/Microsoft.Network/dnszones/" + zone;
    }

    private Answer dns(String method, String[] s, Map<String, String> query, byte[] body, String ifNoneMatch)
            throws IOException {
        if (s.length == 4) {
            if (!method.equals("GET")) {
                return Answer.of(405, JSON.createObjectNode());
            }
            ArrayNode value = JSON.createArrayNode();
            resources.values().stream().filter(r -> r.path("type").asText().equals("Microsoft.Network/dnszones"))
                    .forEach(value::add);
            return Answer.of(200, JSON.createObjectNode().set("value", value));
        }
        String zone = s[4].toLowerCase(Locale.ROOT);
        String zoneKey = key(zoneId(zone));
        ObjectNode existingZone = resources.get(zoneKey);
        if (s.length == 5) {
            switch (method) {
                case "GET" -> {
                    return existingZone == null ? error("ResourceNotFound", Map.of("type", "Microsoft.Network/dnszones",
                            "name", zone)) : Answer.of(200, existingZone);
                }
                case "PUT" -> {
                    return putZone(zone, existingZone, ifNoneMatch);
                }
                case "DELETE" -> {
                    if (existingZone == null) {
                        return new Answer(204, Map.of(), null);
                    }
                    String opId = startOperation(1, () -> {
                        String prefix = zoneKey + "/";
                        resources.keySet().removeIf(k -> k.equals(zoneKey) || k.startsWith(prefix));
                    }, zoneId(zone), true, "operationSucceeded");
                    return new Answer(202, lroHeaders("Microsoft.Network", opId), null);
                }
                default -> {
                    return Answer.of(405, JSON.createObjectNode());
                }
            }
        }
        if (existingZone == null) {
            return error("ParentResourceNotFound", Map.of("name", zone));
        }
        if (s.length == 6 && (s[5].equalsIgnoreCase("recordsets") || s[5].equalsIgnoreCase("all")
                || isRecordType(s[5]))) {
            return listRecordSets(zone, isRecordType(s[5]) ? s[5].toUpperCase(Locale.ROOT) : null,
                    query.get("$recordsetnamesuffix"), query.get("$top"), query.get("$skiptoken"));
        }
        if (s.length == 7 && isRecordType(s[5])) {
            return recordSet(method, zone, s[5].toUpperCase(Locale.ROOT), s[6].toLowerCase(Locale.ROOT), body);
        }
        return Answer.of(404, JSON.createObjectNode());
    }

    private Answer putZone(String zone, ObjectNode existing, String ifNoneMatch) {
        if (existing != null && "*".equals(ifNoneMatch)) {
            return error("PreconditionFailed", Map.of("name", zone));
        }
        if (existing != null) {
            return Answer.of(200, existing);
        }
        ObjectNode z = (ObjectNode) fill(templates.get("dnsZone"), Map.of("name", zone, "etag", UUID.randomUUID().toString()));
        resources.put(key(zoneId(zone)), z);
        putRecord(zone, "SOA", "@", (ObjectNode) templates.get("soaRecordSet").deepCopy());
        putRecord(zone, "NS", "@", (ObjectNode) templates.get("nsRecordSet").deepCopy());
        return Answer.of(201, z);
    }

    private static boolean isRecordType(String s) {
        return Set.of("A", "AAAA", "CNAME", "TXT", "MX", "NS", "PTR", "SOA", "SRV", "CAA").contains(s.toUpperCase(Locale.ROOT));
    }

    private String recordId(String zone, String type, String name) {
        return zoneId(zone) + "/" + type + "/" + name;
    }

    private ObjectNode putRecord(String zone, String type, String name, ObjectNode properties) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", recordId(zone, type, name)).put("name", name).put("type", "Microsoft.Network/dnszones/" + type)
                .put("etag", UUID.randomUUID().toString());
        properties.put("fqdn", (name.equals("@") ? "" : name + ".") + zone + ".").put("provisioningState", "Succeeded");
        properties.putObject("targetResource");
        r.set("properties", properties);
        resources.put(key(recordId(zone, type, name)), r);
        return r;
    }

    private Answer recordSet(String method, String zone, String type, String name, byte[] body) throws IOException {
        ObjectNode existing = resources.get(key(recordId(zone, type, name)));
        switch (method) {
            case "GET" -> {
                return existing == null ? error("RecordSetNotFound", Map.of("name", name)) : Answer.of(200, existing);
            }
            case "PUT" -> {
                boolean cnameHere = resources.containsKey(key(recordId(zone, "CNAME", name)));
                boolean othersHere = resources.keySet().stream().anyMatch(k -> k.startsWith(key(zoneId(zone)) + "/")
                        && k.endsWith("/" + name.toLowerCase(Locale.ROOT)) && !k.contains("/cname/"));
                if ((type.equals("CNAME") && othersHere) || (!type.equals("CNAME") && cnameHere)) {
                    return error("CnameConflict", Map.of());
                }
                ObjectNode in = (ObjectNode) JSON.readTree(body);
                ObjectNode props = in.has("properties") ? ((ObjectNode) in.get("properties")).deepCopy() : JSON.createObjectNode();
                return Answer.of(existing == null ? 201 : 200, putRecord(zone, type, name, props));
            }
            case "DELETE" -> {
                if (existing == null) {
                    return new Answer(204, Map.of(), null);
                }
                resources.remove(key(recordId(zone, type, name)));
                return new Answer(200, Map.of(), null);
            }
            default -> {
                return Answer.of(405, JSON.createObjectNode());
            }
        }
    }

    private Answer listRecordSets(String zone, String type, String suffix, String top, String skipToken) {
        String prefix = key(zoneId(zone)) + "/";
        List<ObjectNode> all = new ArrayList<>();
        resources.forEach((k, r) -> {
            if (k.startsWith(prefix)) {
                String rType = r.path("type").asText().substring("Microsoft.Network/dnszones/".length());
                String rName = r.path("name").asText();
                boolean typeOk = type == null || rType.equalsIgnoreCase(type);
                boolean suffixOk = suffix == null || suffix.isEmpty() || rName.equalsIgnoreCase(suffix)
                        || rName.toLowerCase(Locale.ROOT).endsWith("." + suffix.toLowerCase(Locale.ROOT));
                if (typeOk && suffixOk) {
                    all.add(r);
                }
            }
        });
        int pageSize = top == null ? 5 : Math.max(1, Integer.parseInt(top));
        int from = skipToken == null ? 0 : Integer.parseInt(skipToken);
        ArrayNode value = JSON.createArrayNode();
        all.subList(Math.min(from, all.size()), Math.min(from + pageSize, all.size())).forEach(value::add);
        ObjectNode page = JSON.createObjectNode().set("value", value);
        if (from + pageSize < all.size()) {
            page.put("nextLink", uri() + zoneId(zone).substring(1) + "/" + (type == null ? "recordsets" : type)
                    + "?api-version=2018-05-01&$top=" + pageSize + "&$skiptoken=" + (from + pageSize)
                    + (suffix == null ? "" : "&$recordsetnamesuffix=" + suffix));
        }
        return Answer.of(200, page);
    }

    // ---- Traffic Manager

    private String profileId(String name) {
        return rgId() + "/providers/Microsoft.Network/trafficManagerProfiles/" + name;
    }

    private Answer traffic(String method, String[] s, byte[] body) throws IOException {
        if (s.length == 4) {
            ArrayNode value = JSON.createArrayNode();
            resources.values().stream().filter(r -> r.path("type").asText().equals("Microsoft.Network/trafficManagerProfiles"))
                    .forEach(r -> value.add(withMonitorStatus(r)));
            return Answer.of(200, JSON.createObjectNode().set("value", value));
        }
        String name = s[4];
        String k = key(profileId(name));
        ObjectNode existing = resources.get(k);
        if (s.length == 5) {
            switch (method) {
                case "GET" -> {
                    return existing == null ? error("ResourceNotFound", Map.of("type",
                            "Microsoft.Network/trafficManagerProfiles", "name", name)) : Answer.of(200, withMonitorStatus(existing));
                }
                case "PUT" -> {
                    ObjectNode in = (ObjectNode) JSON.readTree(body);
                    ObjectNode props = ((ObjectNode) templates.get("trafficManagerProfileDefaults")).deepCopy();
                    in.path("properties").fields().forEachRemaining(e -> {
                        if (!e.getValue().isNull()) {
                            props.set(e.getKey(), e.getValue());
                        }
                    });
                    ObjectNode dns = (ObjectNode) props.path("dnsConfig");
                    dns.put("fqdn", dns.path("relativeName").asText() + ".trafficmanager.net");
                    ArrayNode endpoints = JSON.createArrayNode();
                    for (JsonNode e : props.path("endpoints")) {
                        endpoints.add(endpoint(name, e.path("name").asText(), (ObjectNode) e.path("properties")));
                    }
                    props.set("endpoints", endpoints);
                    ObjectNode r = JSON.createObjectNode();
                    r.put("id", profileId(name)).put("name", name).put("type", "Microsoft.Network/trafficManagerProfiles")
                            .put("location", "global");
                    r.set("tags", in.has("tags") ? in.get("tags") : JSON.createObjectNode());
                    r.set("properties", props);
                    resources.put(k, r);
                    return Answer.of(existing == null ? 201 : 200, withMonitorStatus(r));
                }
                case "DELETE" -> {
                    if (existing == null) {
                        return new Answer(204, Map.of(), null);
                    }
                    resources.remove(k);
                    return Answer.of(200, JSON.createObjectNode().put("boolean", true));
                }
                default -> {
                    return Answer.of(405, JSON.createObjectNode());
                }
            }
        }
        if (existing == null) {
            return error("ParentResourceNotFound", Map.of("name", name));
        }
        if (s.length == 7 && s[5].equalsIgnoreCase("ExternalEndpoints")) {
            String ep = s[6];
            ArrayNode endpoints = (ArrayNode) existing.path("properties").path("endpoints");
            int index = -1;
            for (int i = 0; i < endpoints.size(); i++) {
                if (endpoints.get(i).path("name").asText().equalsIgnoreCase(ep)) {
                    index = i;
                }
            }
            switch (method) {
                case "GET" -> {
                    return index < 0 ? error("ResourceNotFound", Map.of("type", "externalEndpoints", "name", ep))
                            : Answer.of(200, withMonitorStatus(endpoints.get(index)));
                }
                case "PUT", "PATCH" -> {
                    if (method.equals("PATCH") && index < 0) {
                        return error("ResourceNotFound", Map.of("type", "externalEndpoints", "name", ep));
                    }
                    ObjectNode in = (ObjectNode) JSON.readTree(body);
                    ObjectNode props = method.equals("PATCH")
                            ? ((ObjectNode) endpoints.get(index).path("properties")).deepCopy() : JSON.createObjectNode();
                    in.path("properties").fields().forEachRemaining(e -> {
                        if (!e.getValue().isNull()) {
                            props.set(e.getKey(), e.getValue());
                        }
                    });
                    ObjectNode e = endpoint(name, ep, props);
                    if (index < 0) {
                        endpoints.add(e);
                    } else {
                        endpoints.set(index, e);
                    }
                    return Answer.of(index < 0 ? 201 : 200, withMonitorStatus(e));
                }
                case "DELETE" -> {
                    if (index >= 0) {
                        endpoints.remove(index);
                    }
                    return Answer.of(200, JSON.createObjectNode().put("boolean", index >= 0));
                }
                default -> {
                    return Answer.of(405, JSON.createObjectNode());
                }
            }
        }
        return Answer.of(404, JSON.createObjectNode());
    }

    private ObjectNode endpoint(String profile, String name, ObjectNode props) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", profileId(profile) + "/externalEndpoints/" + name).put("name", name)
                .put("type", "Microsoft.Network/trafficManagerProfiles/externalEndpoints");
        if (!props.has("endpointStatus")) {
            props.put("endpointStatus", "Enabled");
        }
        props.put("alwaysServe", props.path("alwaysServe").asText("Disabled"));
        e.set("properties", props);
        return e;
    }

    /** Traffic Manager's probe verdict, simulated: Online unless disabled or overridden. */
    private JsonNode withMonitorStatus(JsonNode resource) {
        ObjectNode copy = resource.deepCopy();
        List<JsonNode> endpoints = new ArrayList<>();
        if (copy.path("properties").has("endpoints")) {
            copy.path("properties").path("endpoints").forEach(endpoints::add);
        } else if (copy.path("properties").has("target")) {
            endpoints.add(copy);
        }
        for (JsonNode e : endpoints) {
            ObjectNode p = (ObjectNode) e.path("properties");
            String status = "Disabled".equals(p.path("endpointStatus").asText()) ? "Disabled"
                    : monitorOverrides.getOrDefault(p.path("target").asText(), "Online");
            p.put("endpointMonitorStatus", status);
        }
        return copy;
    }

    // ---- helpers

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    private Answer error(String key, Map<String, String> values) {
        JsonNode e = errors.get(key);
        Map<String, String> all = new LinkedHashMap<>(Map.of("subscription", SUBSCRIPTION, "resourceGroup", RESOURCE_GROUP,
                "name", "", "type", "", "sizes", ""));
        all.putAll(values);
        return Answer.of(e.get("status").asInt(), fill(e.get("body"), all));
    }

    private static JsonNode fill(JsonNode template, Map<String, String> values) {
        try {
            String text = JSON.writeValueAsString(template);
            Map<String, String> all = new LinkedHashMap<>(Map.of("subscription", SUBSCRIPTION, "resourceGroup", RESOURCE_GROUP));
            all.putAll(values);
            for (Map.Entry<String, String> v : all.entrySet()) {
                text = text.replace("{" + v.getKey() + "}", v.getValue().replace("\\", "\\\\").replace("\"", "\\\""));
            }
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private void respond(HttpExchange exchange, Answer a) throws IOException {
        exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        exchange.getResponseHeaders().set("x-ms-correlation-request-id", UUID.randomUUID().toString());
        exchange.getResponseHeaders().set("x-ms-ratelimit-remaining-subscription-reads", "11999");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (a.body() == null) {
            exchange.sendResponseHeaders(a.status(), -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(a.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(a.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
