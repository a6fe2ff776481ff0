package dev.cloudhop.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.SAXParserFactory;
import org.jclouds.azureblob.domain.BlobProperties;
import org.jclouds.azureblob.domain.ListBlobsResponse;
import org.jclouds.date.internal.SimpleDateFormatDateService;
import org.jclouds.io.ContentMetadataCodec;
import org.junit.jupiter.api.Test;

/** List Blobs parsing on path-style (Azurite) and virtual-host (Azure) endpoints. */
class PathStyleListingHandlerTest {

    private static ListBlobsResponse parse(String xml) throws Exception {
        SimpleDateFormatDateService dates = new SimpleDateFormatDateService();
        PathStyleListingHandler handler = new PathStyleListingHandler(dates,
                new ContentMetadataCodec.DefaultContentMetadataCodec(new org.jclouds.date.internal.DateServiceDateCodecFactory(dates)));
        SAXParserFactory.newInstance().newSAXParser()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), handler);
        return handler.getResult();
    }

    private static String listing(String serviceEndpoint, String containerName) {
        // the shape Azurite 3.35 and Azure answer List Blobs with (trimmed to one blob and one prefix)
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"" + serviceEndpoint
                + "\" ContainerName=\"" + containerName + "\"><Prefix></Prefix><Marker></Marker><MaxResults>100</MaxResults>"
                + "<Delimiter>/</Delimiter><Blobs><Blob><Name>dir one/file.txt</Name><Properties>"
                + "<Creation-Time>Mon, 01 Jan 2024 00:00:00 GMT</Creation-Time>"
                + "<Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified><Etag>0x8DC0A1B2C3D4E5F</Etag>"
                + "<Content-Length>5</Content-Length><Content-Type>text/plain</Content-Type><Content-MD5/>"
                + "<BlobType>BlockBlob</BlobType><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
                + "<ServerEncrypted>true</ServerEncrypted><AccessTier>Hot</AccessTier></Properties></Blob>"
                + "<BlobPrefix><Name>photos/</Name></BlobPrefix></Blobs><NextMarker>2!48!x</NextMarker></EnumerationResults>";
    }

    @Test
    void pathStyleEndpointsYieldTheContainerNotAccountPlusContainer() throws Exception {
        ListBlobsResponse r = parse(listing("http://127.0.0.1:10000/devstoreaccount1", "tck-abc"));

        BlobProperties blob = r.iterator().next();
        assertThat(blob.getContainer()).isEqualTo("tck-abc");
        assertThat(blob.getName()).isEqualTo("dir one/file.txt");
        assertThat(blob.getUrl().toString()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1/tck-abc/dir%20one/file.txt");
        assertThat(blob.getContentMetadata().getContentLength()).isEqualTo(5);
        assertThat(r.getBlobPrefixes()).containsExactly("photos/");
        assertThat(r.getNextMarker()).isEqualTo("2!48!x");
    }

    @Test
    void virtualHostEndpointsKeepWorking() throws Exception {
        ListBlobsResponse r = parse(listing("https://myaccount.blob.core.windows.net/", "mycontainer"));

        assertThat(r.iterator().next().getContainer()).isEqualTo("mycontainer");
        assertThat(r.iterator().next().getUrl().toString())
                .isEqualTo("https://myaccount.blob.core.windows.net/mycontainer/dir%20one/file.txt");
    }

    @Test
    void aContainerUrlFromOldApiVersionsIsReducedToItsName() {
        assertThat(PathStyleListingHandler.containerOf("http://myaccount.blob.core.windows.net/mycontainer")).isEqualTo("mycontainer");
        assertThat(PathStyleListingHandler.containerOf(" plain ")).isEqualTo("plain");
    }
}
