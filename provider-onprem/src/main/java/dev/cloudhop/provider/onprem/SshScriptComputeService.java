package dev.cloudhop.provider.onprem;

import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.InvalidRequestException;
import dev.cloudhop.api.NotFoundException;
import dev.cloudhop.api.SiteInfo;
import dev.cloudhop.api.UnavailableException;
import dev.cloudhop.api.compute.ComputeService;
import dev.cloudhop.api.compute.Node;
import dev.cloudhop.api.compute.NodeSpec;
import dev.cloudhop.api.compute.ScriptResult;
import dev.cloudhop.jclouds.JcloudsComputeService;
import dev.cloudhop.jclouds.JcloudsErrors;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jclouds.compute.domain.ExecChannel;
import org.jclouds.compute.domain.NodeMetadata;
import org.jclouds.ssh.SshClient;

/**
 * The bridge's compute service, with scripts run as one plain SSH command.
 *
 * <p>{@link JcloudsComputeService#runScript} uses jclouds' asynchronous {@code submitScriptOnNode}, which
 * always goes through jclouds' init-script machinery: it uploads a wrapper script over SFTP into the node's
 * {@code /tmp}, starts it in the background and polls its status, about four seconds and half a dozen SSH
 * exchanges per script. On machines Cloudhop does not own that is both slow and intrusive, so here the script
 * is executed directly: one SSH exec without a terminal (jclouds' plain exec allocates one, which merges
 * stderr into stdout), its exit status, stdout and stderr, on a worker thread bounded by the timeout. The SSH
 * connection uses the node's inventory credentials and is refused, before anything is sent, when the machine's
 * host key is not trusted ({@link VerifiedSshClient}). Everything else is delegated.
 * Thread-safe.
 */
final class SshScriptComputeService implements ComputeService, AutoCloseable {

    /** How long to wait for the exit status once the output has ended (it may arrive just after). */
    private static final Duration EXIT_STATUS_WAIT = Duration.ofSeconds(5);

    private final SiteInfo site;
    private final JcloudsComputeService delegate;
    private final ExecutorService scripts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cloudhop-ssh-script");
        t.setDaemon(true);
        return t;
    });

    SshScriptComputeService(SiteInfo site, JcloudsComputeService delegate) {
        this.site = Objects.requireNonNull(site, "site");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public List<Node> listNodes() {
        return delegate.listNodes();
    }

    @Override
    public List<Node> listNodes(String group) {
        return delegate.listNodes(group);
    }

    @Override
    public Optional<Node> node(String id) {
        return delegate.node(id);
    }

    @Override
    public List<Node> launch(NodeSpec spec, int count) {
        return delegate.launch(spec, count);
    }

    @Override
    public boolean destroy(String id) {
        return delegate.destroy(id);
    }

    @Override
    public ScriptResult runScript(String id, String script, Duration timeout) {
        ErrorContext ctx = ErrorContext.of(site, "compute.script", String.valueOf(id));
        Objects.requireNonNull(script, "script");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidRequestException(ctx, "script timeout must be positive, was " + timeout);
        }
        if (delegate.node(id).isEmpty()) {
            throw new NotFoundException(ctx, "node '" + id + "' does not exist");
        }
        Future<ScriptResult> run = scripts.submit(() -> exec(id, script, timeout));
        try {
            return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new UnavailableException(ctx, "script did not finish within " + timeout, e);
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnavailableException(ctx, "interrupted", e);
        } catch (ExecutionException e) {
            throw JcloudsErrors.translate(e.getCause(), ctx);
        }
    }

    /** One SSH exec without a terminal, so that standard error stays apart from standard output. */
    private ScriptResult exec(String id, String script, Duration timeout) throws Exception {
        org.jclouds.compute.ComputeService compute = delegate.jclouds();
        NodeMetadata node = compute.getNodeMetadata(id);
        if (node == null) {
            throw new NotFoundException(ErrorContext.of(site, "compute.script", id), "node '" + id + "' does not exist");
        }
        SshClient ssh = compute.getContext().utils().sshForNode().apply(node);
        ssh.connect();
        try (ExecChannel channel = ssh.execChannel(script)) {
            channel.getInput().close();
            Future<String> stderr = scripts.submit(() -> read(channel.getError()));
            String stdout = read(channel.getOutput());
            String err = stderr.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Integer exit = channel.getExitStatus().get();
            long deadline = System.nanoTime() + EXIT_STATUS_WAIT.toNanos();
            while (exit == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
                exit = channel.getExitStatus().get();
            }
            return new ScriptResult(exit == null ? -1 : exit, stdout, err);
        } finally {
            ssh.disconnect();
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        scripts.shutdownNow();
        delegate.close();
    }

    @Override
    public String toString() {
        return "SshScriptComputeService[" + site + "]";
    }
}
