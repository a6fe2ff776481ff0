package dev.cloudhop.jclouds;

import dev.cloudhop.api.Capability;
import dev.cloudhop.api.CloudException;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.UnsupportedCapabilityException;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.NodeStatus;
import dev.cloudhop.api.compute.ScriptResult;
import dev.cloudhop.api.naming.NameKind;
import dev.cloudhop.api.naming.NamingRules;
import dev.cloudhop.api.spi.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.RunNodesException;
import org.jclouds.compute.domain.ExecResponse;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.compute.domain.Template;
import org.jclouds.compute.options.TemplateOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloudhop's {@link ComputeService} over any jclouds compute service. Tags are stored as jclouds user
 * metadata; groups are jclouds groups. Thread-safe; the context is built on first use.
 */
public final class JcloudsComputeService implements ComputeService, AutoCloseable {

    /** The tag every launched node carries: the id of the launch that started it. */
    public static final String LAUNCH_TAG = "cloudhop-launch";
    private static final Duration STRAY_RECHECK = Duration.ofSeconds(2);
    /**
     * Launch requests per {@link #launch}: EC2 may start fewer instances than asked (it honours MinCount, which
     * jclouds sends as 1, when capacity is short; moto and LocalStack start MinCount), and jclouds asks again only
     * as often as the count. A launch tops its nodes up to the count or fails.
     */
    private static final int LAUNCH_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(JcloudsComputeService.class);

    private final SiteInfo site;
    private final NamingRules rules;
    private final Set<Capability> capabilities;
    private final LazyContext<ComputeServiceContext> context;

    /**
     * @param site           the site, for error contexts
     * @param rules          the provider's naming rules (node groups)
     * @param capabilities   the provider's capabilities: launch, user data and scripts are refused without them
     * @param contextFactory builds the jclouds context on first use
     */
    public JcloudsComputeService(SiteInfo site, NamingRules rules, Set<Capability> capabilities,
                                 Supplier<ComputeServiceContext> contextFactory) {
        this.site = Objects.requireNonNull(site, "site");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.capabilities = Set.copyOf(capabilities);
        this.context = new LazyContext<>(contextFactory);
    }

    /** The underlying jclouds compute service: the escape hatch. */
    public org.jclouds.compute.ComputeService jclouds() {
        return context.get().getComputeService();
    }

    private <T> T call(ErrorContext ctx, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw JcloudsErrors.translate(e, ctx);
        }
    }

    private void require(Capability capability, ErrorContext ctx, String what) {
        if (!capabilities.contains(capability)) {
            throw new UnsupportedCapabilityException(ctx, "provider " + site.provider() + " cannot " + what
                    + " (capability " + capability + ")");
        }
    }

    @Override
    public List<Node> listNodes() {
        ErrorContext ctx = ErrorContext.of(site, "compute.list");
        require(Capability.COMPUTE, ctx, "list nodes");
        return call(ctx, () -> jclouds().listNodesDetailsMatching(n -> true).stream()
                .map(n -> (NodeMetadata) n)
                .filter(n -> n.getStatus() != NodeMetadata.Status.TERMINATED)
                .map(JcloudsComputeService::node)
                .toList());
    }

    @Override
    public List<Node> listNodes(String group) {
        Objects.requireNonNull(group, "group");
        return listNodes().stream().filter(n -> n.group().equals(group)).toList();
    }

    /**
     * Why a template could not be built. jclouds says only "could not get imageId" both when the image does
     * not exist and when looking it up failed (5xx, throttling, refused connection), dropping the cause; so
     * the image is looked up once more: a failure of that look-up is the site's problem and is translated
     * as such (it counts against the site's health), an image that is not there is the caller's.
     */
    private CloudException unresolvedTemplate(ErrorContext ctx, NodeSpec spec, RuntimeException original) {
        boolean imageExists;
        try {
            imageExists = jclouds().getImage(spec.image()) != null;
        } catch (RuntimeException lookup) {
            if (lookup instanceof NoSuchElementException || lookup instanceof IllegalArgumentException) {
                imageExists = false;
            } else {
                CloudException e = JcloudsErrors.translate(lookup, ctx);
                e.addSuppressed(original);
                return e;
            }
        }
        return new InvalidRequestException(ctx, (imageExists ? "no size '" + spec.size() + "' for image '" + spec.image() + "'"
                : "no image '" + spec.image() + "' (with size '" + spec.size() + "')") + " on provider " + site.provider(), original);
    }

    @Override
    public Optional<Node> node(String id) {
        ErrorContext ctx = ErrorContext.of(site, "compute.get", id);
        require(Capability.COMPUTE, ctx, "look up nodes");
        return call(ctx, () -> Optional.ofNullable(jclouds().getNodeMetadata(id))
                .filter(n -> n.getStatus() != NodeMetadata.Status.TERMINATED)
                .map(JcloudsComputeService::node));
    }

    @Override
    public List<Node> launch(NodeSpec spec, int count) {
        ErrorContext ctx = ErrorContext.of(site, "compute.launch", spec.group());
        require(Capability.COMPUTE_LAUNCH, ctx, "launch nodes");
        if (count < 1) {
            throw new InvalidRequestException(ctx, "node count must be at least 1, was " + count);
        }
        rules.firstViolation(NameKind.NODE_GROUP, spec.group()).ifPresent(reason -> {
            throw new InvalidRequestException(ctx, "node group '" + spec.group() + "' is invalid: " + reason);
        });
        if (spec.userData().isPresent()) {
            require(Capability.COMPUTE_USER_DATA, ctx, "pass user data to nodes");
        }
        return call(ctx, () -> {
            Template template;
            try {
                template = jclouds().templateBuilder().imageId(spec.image()).hardwareId(spec.size()).build();
            } catch (NoSuchElementException | IllegalArgumentException e) {
                throw unresolvedTemplate(ctx, spec, e);
            }
            // every node a launch starts is tagged, so the untagged ones of a group are strays (see sweepStrays)
            Map<String, String> tags = new java.util.LinkedHashMap<>(spec.tags());
            tags.put(LAUNCH_TAG, java.util.UUID.randomUUID().toString());
            TemplateOptions options = template.getOptions().userMetadata(tags);
            spec.userData().ifPresent(data -> userData(options, data));
            List<Node> launched = new java.util.ArrayList<>();
            for (int attempt = 1; launched.size() < count; attempt++) {
                if (attempt > LAUNCH_ATTEMPTS) {
                    destroyAll(launched);
                    throw new UnavailableException(ctx, "the provider started " + launched.size() + " of " + count
                            + " nodes in " + LAUNCH_ATTEMPTS + " launch requests; those were destroyed");
                }
                if (attempt > 1) {
                    LOG.warn("site {} compute launch: the provider started {} of {} nodes of group '{}'; launching"
                            + " the other {}", site.id(), launched.size(), count, spec.group(), count - launched.size());
                }
                try {
                    jclouds().createNodesInGroup(spec.group(), count - launched.size(), template).stream()
                            .map(n -> node((NodeMetadata) n)).forEach(launched::add);
                } catch (RunNodesException e) {
                    e.getSuccessfulNodes().forEach(n -> jclouds().destroyNode(n.getId()));
                    destroyAll(launched);
                    throw new UnavailableException(ctx, "launching " + count + " nodes failed for "
                            + e.getNodeErrors().size() + " of them; the others were destroyed", e);
                }
            }
            sweepStrays(spec.group(), launched);
            return List.copyOf(launched);
        });
    }

    private void destroyAll(List<Node> nodes) {
        nodes.forEach(n -> jclouds().destroyNode(n.id()));
    }

    private Set<String> untaggedIdsOf(String group) {
        return jclouds().listNodesDetailsMatching(n -> true).stream()
                .map(n -> (NodeMetadata) n)
                .filter(n -> group.equals(n.getGroup()) && n.getStatus() != NodeMetadata.Status.TERMINATED)
                .filter(n -> n.getUserMetadata() == null || n.getUserMetadata().isEmpty())
                .map(NodeMetadata::getId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A launch request that the transport sent twice (a POST resent by the JDK after a broken keep-alive
     * connection, a server error retried by jclouds; EC2 emulators ignore the idempotency token) starts
     * nodes that jclouds never returns and never tags: paid machines nobody owns. Every launch here tags
     * its nodes ({@value #LAUNCH_TAG}), so after a launch, in the background (off the failover's critical
     * path), the group's nodes that are untagged twice {@link #STRAY_RECHECK} apart (a concurrent launch
     * tags its nodes within milliseconds) and that no launch returned are destroyed, and named in a warning.
     */
    private void sweepStrays(String group, List<Node> launched) {
        Set<String> returned = launched.stream().map(Node::id).collect(java.util.stream.Collectors.toSet());
        Thread sweeper = new Thread(() -> {
            try {
                Set<String> first = untaggedIdsOf(group);
                first.removeAll(returned);
                if (first.isEmpty()) {
                    return;
                }
                Thread.sleep(STRAY_RECHECK.toMillis());
                Set<String> strays = untaggedIdsOf(group);
                strays.retainAll(first);
                for (String id : strays) {
                    LOG.warn("site {} compute launch: destroying node {} of group '{}': started by a resent launch request"
                            + " and never returned", site.id(), id, group);
                    jclouds().destroyNode(id);
                }
            } catch (InterruptedException e) {
                // the JVM is stopping the daemon: the nodes stay tagged for a later sweep to find
                LOG.debug("site {} compute launch: stray sweep of group '{}' interrupted", site.id(), group);
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("site {} compute launch: looking for stray nodes of group '{}' failed, strays may be left"
                        + " running: {}", site.id(), group, Secret.redactUserInfo(String.valueOf(e)));
            }
        }, "cloudhop-stray-sweep-" + site.id());
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /** jclouds has no portable user data: providers that support it expose it on their own options class. */
    private static void userData(TemplateOptions options, String data) {
        try {
            options.getClass().getMethod("userData", byte[].class)
                    .invoke(options, (Object) data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("template options " + options.getClass().getName() + " take no user data", e);
        }
    }

    @Override
    public boolean destroy(String id) {
        ErrorContext ctx = ErrorContext.of(site, "compute.destroy", id);
        require(Capability.COMPUTE_LAUNCH, ctx, "destroy nodes");
        return call(ctx, () -> {
            NodeMetadata node = jclouds().getNodeMetadata(id);
            if (node == null || node.getStatus() == NodeMetadata.Status.TERMINATED) {
                return false;
            }
            jclouds().destroyNode(id);
            return true;
        });
    }

    @Override
    public ScriptResult runScript(String id, String script, Duration timeout) {
        ErrorContext ctx = ErrorContext.of(site, "compute.script", id);
        require(Capability.COMPUTE_RUN_SCRIPT, ctx, "run scripts");
        return call(ctx, () -> {
            if (jclouds().getNodeMetadata(id) == null) {
                throw new NotFoundException(ctx, "node '" + id + "' does not exist");
            }
            try {
                ExecResponse response = jclouds().submitScriptOnNode(id, script,
                        org.jclouds.compute.options.RunScriptOptions.Builder.wrapInInitScript(false).runAsRoot(false))
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new ScriptResult(response.getExitStatus(), response.getOutput(), response.getError());
            } catch (TimeoutException e) {
                throw new UnavailableException(ctx, "script did not finish within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException(ctx, "interrupted", e);
            } catch (ExecutionException e) {
                throw JcloudsErrors.translate(e.getCause(), ctx);
            }
        });
    }

    private static Node node(NodeMetadata n) {
        Map<String, String> tags = n.getUserMetadata() == null ? Map.of() : n.getUserMetadata();
        return new Node(n.getId(), n.getGroup() == null ? "" : n.getGroup(), status(n.getStatus()),
                n.getImageId() == null ? "" : n.getImageId(), List.copyOf(n.getPublicAddresses()),
                List.copyOf(n.getPrivateAddresses()), tags);
    }

    private static NodeStatus status(NodeMetadata.Status status) {
        if (status == null) {
            return NodeStatus.UNKNOWN;
        }
        return switch (status) {
            case PENDING -> NodeStatus.PENDING;
            case RUNNING -> NodeStatus.RUNNING;
            case SUSPENDED -> NodeStatus.SUSPENDED;
            case TERMINATED -> NodeStatus.TERMINATED;
            case ERROR -> NodeStatus.ERROR;
            default -> NodeStatus.UNKNOWN;
        };
    }

    @Override
    public void close() {
        context.close();
    }

    @Override
    public String toString() {
        return "JcloudsComputeService[" + site + "]";
    }
}
