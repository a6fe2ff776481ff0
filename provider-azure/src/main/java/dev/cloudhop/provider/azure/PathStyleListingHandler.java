package dev.cloudhop.provider.azure;

import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jclouds.azureblob.domain.BlobProperties;
import org.jclouds.azureblob.domain.ListBlobsResponse;
import org.jclouds.azureblob.domain.internal.BlobPropertiesImpl;
import org.jclouds.azureblob.domain.internal.HashSetListBlobsResponse;
import org.jclouds.azureblob.xml.ContainerNameEnumerationResultsHandler;
import org.jclouds.date.DateService;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.ContentMetadataCodec;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;

/**
 * Parses List Blobs results with the container name taken from the {@code ContainerName} attribute.
 * Bound in place of jclouds' {@link ContainerNameEnumerationResultsHandler} by {@link AzureBlobApiModule}.
 *
 * <p>Why: jclouds 2.7.0 concatenates {@code ServiceEndpoint} and {@code ContainerName} and then strips every
 * {@code '/'} from the path to get the container. On a virtual-host endpoint
 * ({@code https://account.blob.core.windows.net/}) that yields the container; on a path-style endpoint
 * ({@code http://127.0.0.1:10000/devstoreaccount1}, Azurite, Azure Stack) it yields
 * {@code devstoreaccount1<container>}, and every listed blob reports that wrong container and URL.
 */
class PathStyleListingHandler extends ContainerNameEnumerationResultsHandler {

    private String serviceEndpoint;
    private String containerName;

    @Inject
    PathStyleListingHandler(DateService dateParser, ContentMetadataCodec contentMetadataCodec) {
        super(dateParser, contentMetadataCodec);
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
        if (qName.equals("EnumerationResults")) {
            serviceEndpoint = attributes.getValue("ServiceEndpoint") == null ? "" : attributes.getValue("ServiceEndpoint").trim();
            containerName = containerOf(attributes.getValue("ContainerName"));
        }
        super.startElement(uri, localName, qName, attributes);
    }

    /** The container of a {@code ContainerName} attribute: a bare name, or (before API 2013-08-15) a URL. */
    static String containerOf(String attribute) {
        if (attribute == null) {
            return "";
        }
        String value = attribute.trim();
        if (value.contains("://")) {
            String path = URI.create(value).getPath();
            String[] segments = path.split("/");
            return segments.length == 0 ? "" : segments[segments.length - 1];
        }
        return value;
    }

    @Override
    public ListBlobsResponse getResult() {
        ListBlobsResponse parsed = super.getResult();
        URI containerUrl = URI.create((serviceEndpoint.endsWith("/") ? serviceEndpoint : serviceEndpoint + "/")
                + containerName);
        List<BlobProperties> fixed = new ArrayList<>(parsed.size());
        for (BlobProperties p : parsed) {
            ContentMetadata c = p.getContentMetadata();
            fixed.add(new BlobPropertiesImpl(p.getType(), p.getTier(), p.getName(), containerName,
                    URI.create(containerUrl + "/" + encodePath(p.getName())), p.getLastModified(), p.getETag(),
                    c.getContentLength() == null ? -1 : c.getContentLength(), c.getContentType(), c.getContentMD5AsHashCode() == null ? null : c.getContentMD5AsHashCode().asBytes(),
                    c.getContentEncoding(), c.getContentLanguage(), c.getExpires(), p.getLeaseStatus(), p.getMetadata()));
        }
        return new HashSetListBlobsResponse(fixed, containerUrl, parsed.getPrefix(), parsed.getMarker(),
                parsed.getMaxResults(), parsed.getNextMarker(), parsed.getDelimiter(), parsed.getBlobPrefixes());
    }

    private static String encodePath(String name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
