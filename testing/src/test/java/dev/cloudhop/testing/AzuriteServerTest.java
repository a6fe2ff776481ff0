package dev.cloudhop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpURLConnection;
import java.net.URI;
import org.junit.jupiter.api.Test;

class AzuriteServerTest {

    @Test
    void startsOnFreeLoopbackPortsAndAnswersBlobAndQueueRequests() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start()) {
            assertThat(azurite.blobPort()).isNotEqualTo(azurite.queuePort());
            assertThat(azurite.blobEndpoint().toString()).startsWith("http://127.0.0.1:").endsWith("/devstoreaccount1");
            // an unauthenticated request is answered (403), which proves the service is up
            for (URI endpoint : new URI[] {azurite.blobEndpoint(), azurite.queueEndpoint()}) {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "?comp=list").toURL().openConnection();
                assertThat(c.getResponseCode()).as("status of %s", endpoint).isBetween(200, 499);
                c.disconnect();
            }
            assertThat(azurite.startupTime()).isPositive();
            azurite.close();
            assertThat(azurite.process().isAlive()).isFalse();
        }
    }

    @Test
    void aDurableServerKilledHardRestartsOnTheSamePorts() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.startDurable()) {
            URI list = URI.create(azurite.blobEndpoint() + "?comp=list");
            assertThat(status(list)).isBetween(200, 499);
            long pid = azurite.process().pid();
            azurite.process().kill();
            assertThat(status(list)).as("connection refused after SIGKILL").isEqualTo(-1);

            assertThat(azurite.restart()).isPositive();
            assertThat(azurite.process().pid()).isNotEqualTo(pid);
            assertThat(status(list)).isBetween(200, 499);
            assertThat(status(URI.create(azurite.queueEndpoint() + "?comp=list"))).isBetween(200, 499);
        }
    }

    private static int status(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            int code = c.getResponseCode();
            c.disconnect();
            return code;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
