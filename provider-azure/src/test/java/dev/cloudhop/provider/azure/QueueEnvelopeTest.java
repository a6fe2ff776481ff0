package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueEnvelopeTest {

    @Test
    void bodyAndAttributesRoundTripThroughBase64Text() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        Map<String, String> attributes = Map.of("kind", "greeting", "ünïcode", "välue", "empty", "");

        String text = QueueEnvelope.text(QueueEnvelope.envelope(body, attributes));
        QueueEnvelope.Decoded decoded = QueueEnvelope.decode(text);

        assertThat(text).matches("[A-Za-z0-9+/=]+");
        assertThat(decoded.body()).isEqualTo(body);
        assertThat(decoded.attributes()).isEqualTo(attributes);
    }

    @Test
    void theLimitLeavesRoomForTheEnvelopeWithinAzures64KiBOfText() {
        byte[] body = new byte[QueueEnvelope.MAX_PAYLOAD_BYTES - "kind".length() - "max".length()];
        String text = QueueEnvelope.text(QueueEnvelope.envelope(body, Map.of("kind", "max")));

        assertThat(QueueEnvelope.MAX_PAYLOAD_BYTES).isEqualTo(48 * 1024 - 64);
        assertThat(text.length()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void textFromOtherProducersIsDeliveredAsItsUtf8Bytes() {
        assertThat(QueueEnvelope.decode("plain text, not base64!").body())
                .isEqualTo("plain text, not base64!".getBytes(StandardCharsets.UTF_8));
        // valid base64 without the envelope's magic byte: still the text itself
        assertThat(QueueEnvelope.decode("aGVsbG8=").body()).isEqualTo("aGVsbG8=".getBytes(StandardCharsets.UTF_8));
        assertThat(QueueEnvelope.decode("aGVsbG8=").attributes()).isEmpty();
    }
}
