package dev.cloudhop.provider.onprem;

import com.google.common.net.HostAndPort;
import com.google.inject.AbstractModule;
import dev.cloudhop.api.ErrorContext;
import dev.cloudhop.api.SiteInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.xfer.InMemorySourceFile;
import org.jclouds.compute.domain.ExecChannel;
import org.jclouds.compute.domain.ExecResponse;
import org.jclouds.domain.LoginCredentials;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;
import org.jclouds.rest.AuthorizationException;
import org.jclouds.ssh.SshClient;
import org.jclouds.ssh.SshException;
import org.jclouds.ssh.config.ConfiguresSshClient;

/**
 * jclouds' {@link SshClient} over sshj, with the server's host key checked against the site's
 * {@link KnownHosts} before anything is sent. jclouds-sshj cannot do this: its connection hard-wires an sshj
 * verifier that accepts every key. Through {@link SshModule} this client is what every SSH use of the site's
 * jclouds compute context gets (scripts, file transfers).
 *
 * <p>Errors: a refused host key is an {@link dev.cloudhop.api.UnauthorizedException} (an unreadable
 * known_hosts file an {@link dev.cloudhop.api.InvalidRequestException}) in the context {@code compute.ssh} with
 * the host and port as target, raised before the login, so that neither credentials nor commands reach the
 * server; a rejected login is jclouds' {@link AuthorizationException}; other failures are
 * {@link SshException}s keeping sshj's I/O exception as cause. No message holds a private key or password.
 * One client serves one caller at a time, like jclouds' own.
 */
final class VerifiedSshClient implements SshClient {

    private final SiteInfo site;
    private final KnownHosts knownHosts;
    private final HostAndPort socket;
    private final LoginCredentials credentials;
    private final int connectTimeoutMillis;
    private SSHClient ssh;

    VerifiedSshClient(SiteInfo site, KnownHosts knownHosts, HostAndPort socket, LoginCredentials credentials,
                      int connectTimeoutMillis) {
        this.site = Objects.requireNonNull(site, "site");
        this.knownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
        this.socket = Objects.requireNonNull(socket, "socket");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public synchronized void connect() {
        if (isConnected()) {
            return;
        }
        ErrorContext context = ErrorContext.of(site, "compute.ssh", socket.toString());
        KnownHosts.Verifier verifier = knownHosts.verifier(context);
        SSHClient client = new SSHClient();
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout(connectTimeoutMillis);
        try {
            client.connect(socket.getHost(), socket.getPort());
            if (credentials.hasUnencryptedPrivateKey()) {
                client.authPublickey(credentials.getUser(),
                        client.loadKeys(credentials.getOptionalPrivateKey().get(), null, null));
            } else if (credentials.getOptionalPassword().isPresent()) {
                client.authPassword(credentials.getUser(), credentials.getOptionalPassword().get());
            } else {
                throw new AuthorizationException("no private key or password for " + credentials.getUser() + "@" + socket);
            }
            ssh = client;
        } catch (UserAuthException e) {
            closeQuietly(client);
            throw new AuthorizationException("login of " + credentials.getUser() + " at " + socket + " rejected: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(client);
            verifier.refusal().ifPresent(refusal -> {
                throw refusal;
            });
            throw new SshException("cannot connect to " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    private synchronized SSHClient connected() {
        connect();
        return ssh;
    }

    @Override
    public ExecChannel execChannel(String command) {
        try {
            Session session = connected().startSession();
            Session.Command running = session.exec(command);
            return new ExecChannel(running.getOutputStream(), running.getInputStream(), running.getErrorStream(),
                    running::getExitStatus, session::close);
        } catch (IOException e) {
            throw new SshException("cannot run a command at " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ExecResponse exec(String command) {
        try (Session session = connected().startSession()) {
            Session.Command running = session.exec(command);
            String out = read(running.getInputStream());
            String err = read(running.getErrorStream());
            running.join(connectTimeoutMillis, TimeUnit.MILLISECONDS);
            Integer exit = running.getExitStatus();
            return new ExecResponse(out, err, exit == null ? -1 : exit);
        } catch (IOException e) {
            throw new SshException("cannot run a command at " + socket + ": " + e.getMessage(), e);
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void put(String path, String contents) {
        put(path, Payloads.newStringPayload(Objects.requireNonNull(contents, "contents")));
    }

    @Override
    public void put(String path, Payload contents) {
        try (SFTPClient sftp = connected().newSFTPClient()) {
            sftp.put(new InMemorySourceFile() {
                @Override
                public String getName() {
                    return path;
                }

                @Override
                public long getLength() {
                    Long length = contents.getContentMetadata().getContentLength();
                    return length == null ? -1 : length;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    return contents.openStream();
                }
            }, path);
        } catch (IOException e) {
            throw new SshException("cannot write " + path + " at " + socket + ": " + e.getMessage(), e);
        } finally {
            contents.release();
        }
    }

    @Override
    public Payload get(String path) {
        try (SFTPClient sftp = connected().newSFTPClient()) {
            // small files only (jclouds reads status and script files this way): read whole, then close the channel
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (var remote = sftp.open(path); InputStream in = remote.new RemoteFileInputStream()) {
                in.transferTo(bytes);
            }
            return Payloads.newByteArrayPayload(bytes.toByteArray());
        } catch (IOException e) {
            throw new SshException("cannot read " + path + " at " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void disconnect() {
        if (ssh != null) {
            closeQuietly(ssh);
            ssh = null;
        }
    }

    @Override
    public synchronized boolean isConnected() {
        return ssh != null && ssh.isConnected() && ssh.isAuthenticated();
    }

    @Override
    public String getHostAddress() {
        return socket.getHost();
    }

    @Override
    public String getUsername() {
        return credentials.getUser();
    }

    private static void closeQuietly(SSHClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // the connection is being dropped anyway
        }
    }

    @Override
    public String toString() {
        return "VerifiedSshClient[" + credentials.getUser() + "@" + socket + ", " + knownHosts + "]";
    }

    /** Binds jclouds' SSH client factory to {@link VerifiedSshClient}s of one site: in place of jclouds-sshj's. */
    @ConfiguresSshClient
    static final class SshModule extends AbstractModule {
        private final SiteInfo site;
        private final KnownHosts knownHosts;

        SshModule(SiteInfo site, KnownHosts knownHosts) {
            this.site = site;
            this.knownHosts = knownHosts;
        }

        @Override
        protected void configure() {
            bind(SshClient.Factory.class).toInstance(new Factory(site, knownHosts));
        }
    }

    private record Factory(SiteInfo site, KnownHosts knownHosts) implements SshClient.Factory {
        /** How long to wait for a machine's SSH port to answer. */
        private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

        @Override
        public SshClient create(HostAndPort socket, LoginCredentials credentials) {
            return new VerifiedSshClient(site, knownHosts, socket, credentials, CONNECT_TIMEOUT_MILLIS);
        }

        @Override
        public boolean isAgentAvailable() {
            return false;
        }
    }
}
