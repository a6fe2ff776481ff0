package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.common.StorageSharedKeyCredential;
import dev.cloudhop.testing.AzuriteServer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jclouds.http.HttpRequest;
import org.jclouds.io.Payloads;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests of the Shared Key signature ("Authorize with Shared Key", Microsoft Learn): the string
 * to sign is asserted literally, and the signature against a value computed outside Java
 * ({@code openssl dgst -sha256 -mac HMAC} of that string under the Azurite development key, base64) and
 * against the Azure Storage SDK's own, independent implementation.
 */
class SharedKeySignerTest {

    private static final String KEY = AzuriteServer.ACCOUNT_KEY;
    private static final String DATE = "Mon, 01 Jan 2024 00:00:00 GMT";

    /** Put Block on a path-style endpoint: the block id's '==' padding must survive (jclouds drops it). */
    @Test
    void putBlockStringToSignKeepsTheBlockIdPadding() {
        org.jclouds.io.Payload payload = Payloads.newByteArrayPayload(new byte[] {1, 2, 3, 4});
        payload.getContentMetadata().setContentType("application/octet-stream");
        HttpRequest request = HttpRequest.builder().method("PUT")
                .endpoint("http://127.0.0.1:10000/devstoreaccount1/mycontainer/my%20blob.bin?comp=block&blockid=MDAwMA%3D%3D")
                .addHeader("Date", DATE).addHeader("x-ms-version", "2017-11-09")
                .payload(payload)
                .build();

        String toSign = SharedKeySigner.stringToSign(request, "devstoreaccount1");

        assertThat(toSign).isEqualTo("PUT\n\n\n4\n\napplication/octet-stream\n" + DATE + "\n\n\n\n\n\n"
                + "x-ms-version:2017-11-09\n"
                + "/devstoreaccount1/devstoreaccount1/mycontainer/my%20blob.bin\nblockid:MDAwMA==\ncomp:block");
        // openssl dgst -sha256 -mac HMAC -macopt hexkey:<decoded key> -binary | base64
        assertThat(SharedKeySigner.sign(toSign, KEY)).isEqualTo("4MdKp9pe+g7JjwP9X8A4aDaEq6csF1rexCImH6l4j/w=");
    }

    /** A listing: parameter names sorted and lower-cased, values URL-decoded ('+' kept), x-ms- headers sorted. */
    @Test
    void listStringToSignDecodesAndSortsQueryParameters() {
        HttpRequest request = HttpRequest.builder().method("GET")
                .endpoint("https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=list"
                        + "&prefix=a%20b%2Bc%2F&MaxResults=100&marker=2%2148%21x")
                .addHeader("x-ms-version", "2017-11-09").addHeader("Date", DATE).addHeader("X-Ms-Meta-Color", "blue")
                .build();

        String toSign = SharedKeySigner.stringToSign(request, "myaccount");

        assertThat(toSign).isEqualTo("GET\n\n\n\n\n\n" + DATE + "\n\n\n\n\n\n"
                + "x-ms-meta-color:blue\nx-ms-version:2017-11-09\n"
                + "/myaccount/mycontainer\ncomp:list\nmarker:2!48!x\nmaxresults:100\nprefix:a b+c/\nrestype:container");
        assertThat(SharedKeySigner.sign(toSign, KEY)).isEqualTo("tAfA5Mk0Dh65C8mQvjSo76DwEijjKbv3YMHymlhaW6U=");
    }

    @Test
    void aZeroContentLengthSignsAsEmptyAndXmsDateEmptiesTheDateLine() {
        HttpRequest request = HttpRequest.builder().method("PUT")
                .endpoint("http://127.0.0.1:10000/devstoreaccount1/c?restype=container")
                .addHeader("Date", DATE).addHeader("x-ms-date", DATE).addHeader("Content-Length", "0")
                .addHeader("If-None-Match", "*").addHeader("x-ms-version", "2017-11-09")
                .build();

        assertThat(SharedKeySigner.stringToSign(request, "devstoreaccount1")).isEqualTo("PUT\n\n\n\n\n\n\n\n\n*\n\n\n"
                + "x-ms-date:" + DATE + "\nx-ms-version:2017-11-09\n/devstoreaccount1/devstoreaccount1/c\nrestype:container");
    }

    /** The Azure Storage SDK signs the same request identically: an independent implementation agrees. */
    @Test
    void signaturesAgreeWithTheAzureStorageSdk() throws Exception {
        String url = "http://127.0.0.1:10000/devstoreaccount1/mycontainer/dir/file%20name.txt?comp=block&blockid=QUJDRA%3D%3D&timeout=30";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", "11");
        headers.put("Content-Type", "text/plain");
        headers.put("x-ms-date", DATE);
        headers.put("x-ms-version", "2021-08-06");
        headers.put("x-ms-client-request-id", "0f1e2d3c");
        String sdk = new StorageSharedKeyCredential("devstoreaccount1", KEY)
                .generateAuthorizationHeader(URI.create(url).toURL(), "PUT", headers);

        HttpRequest.Builder<?> b = HttpRequest.builder().method("PUT").endpoint(url);
        headers.forEach(b::addHeader);
        String ours = "SharedKey devstoreaccount1:" + SharedKeySigner.sign(
                SharedKeySigner.stringToSign(b.build(), "devstoreaccount1"), KEY);

        assertThat(ours).isEqualTo(sdk);
    }

    @Test
    void aSasIsAppendedToTheQueryAndNoAuthorizationIsSent() {
        HttpRequest request = HttpRequest.builder().method("GET")
                .endpoint("http://127.0.0.1:10000/devstoreaccount1/c?restype=container&comp=list")
                .addHeader("Authorization", "stale").build();

        HttpRequest signed = SharedKeySigner.withSas(request, "?sv=2022-11-02&ss=bq&sig=abc%3D");

        assertThat(signed.getEndpoint().toString())
                .isEqualTo("http://127.0.0.1:10000/devstoreaccount1/c?restype=container&comp=list&sv=2022-11-02&ss=bq&sig=abc%3D");
        assertThat(signed.getFirstHeaderOrNull("Authorization")).isNull();
        assertThat(SharedKeySigner.isSas("sv=2022-11-02&sig=a==")).isTrue();
        assertThat(SharedKeySigner.isSas(KEY)).isFalse();
    }
}
