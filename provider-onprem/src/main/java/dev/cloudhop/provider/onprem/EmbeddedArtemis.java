package dev.cloudhop.provider.onprem;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An ActiveMQ Artemis broker inside this JVM with a durable journal in one directory, reached through an
 * in-VM acceptor (and, optionally, a TCP acceptor so that other processes can use it as their remote broker).
 *
 * <p>Configured for Cloudhop's queues: addresses and queues are never created implicitly (a send to a
 * deleted queue fails instead of resurrecting it), delivery attempts are unlimited (a message is only
 * removed by an acknowledgement), the duplicate-ID cache is persisted, and the journal flushes in batches
 * every {@value #JOURNAL_BUFFER_MICROS} µs so that concurrent durable sends share one {@code fsync}. Not
 * thread-safe: start and stop it from one thread.
 */
final class EmbeddedArtemis implements AutoCloseable {

    /** How long the journal collects writes before one flush: the latency a durable send pays at most. */
    static final int JOURNAL_BUFFER_MICROS = 200;

    private static final AtomicInteger IN_VM_IDS = new AtomicInteger(1_000);

    private final ActiveMQServer server;
    private final int inVmId;
    private final Duration startupTime;

    private EmbeddedArtemis(ActiveMQServer server, int inVmId, Duration startupTime) {
        this.server = server;
        this.inVmId = inVmId;
        this.startupTime = startupTime;
    }

    /**
     * Starts a broker on {@code directory}, creating its journal there or recovering the existing one.
     *
     * @param listen        an extra {@code tcp://host:port} acceptor, if other processes should connect
     * @param idCacheSize   how many duplicate IDs (dedup keys) are remembered per address
     * @throws IllegalStateException if the journal is locked by another broker or the broker fails to start
     */
    static EmbeddedArtemis start(Path directory, Optional<URI> listen, int idCacheSize) {
        long begin = System.nanoTime();
        int id = IN_VM_IDS.incrementAndGet();
        Configuration config = new ConfigurationImpl()
                .setName("cloudhop-" + id)
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setCriticalAnalyzer(false)
                .setGracefulShutdownEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setNodeManagerLockDirectory(directory.toString())
                .setJournalBufferTimeout_NIO((int) TimeUnit.MICROSECONDS.toNanos(JOURNAL_BUFFER_MICROS))
                .setJournalSyncTransactional(true)
                .setJournalSyncNonTransactional(true)
                .setJournalLockAcquisitionTimeout(10_000)
                .setIDCacheSize(idCacheSize)
                .setPersistIDCache(true)
                .setMessageExpiryScanPeriod(-1)
                .addAddressSetting("#", new AddressSettings()
                        .setAutoCreateAddresses(false)
                        .setAutoCreateQueues(false)
                        .setAutoDeleteAddresses(false)
                        .setAutoDeleteQueues(false)
                        .setMaxDeliveryAttempts(-1)
                        .setRedeliveryDelay(0)
                        .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        try {
            config.addAcceptorConfiguration("in-vm", "vm://" + id);
            if (listen.isPresent()) {
                config.addAcceptorConfiguration("tcp", listen.get().toString());
            }
            ActiveMQServer server = ActiveMQServers.newActiveMQServer(config);
            server.start();
            if (!server.waitForActivation(30, TimeUnit.SECONDS) || !server.isActive()) {
                server.stop();
                throw new IllegalStateException("the embedded broker on " + directory + " did not become active; is "
                        + "its journal used by another process?");
            }
            return new EmbeddedArtemis(server, id, Duration.ofNanos(System.nanoTime() - begin));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Artemis broker on " + directory + ": " + e, e);
        }
    }

    /** The URL clients of this JVM connect with. */
    String inVmUrl() {
        return "vm://" + inVmId;
    }

    /** From {@link #start} until the broker was active. */
    Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the embedded broker", e);
        }
    }
}
