package dev.cloudhop.provider.azure;

import com.google.common.base.Supplier;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jclouds.azure.storage.config.AuthType;
import org.jclouds.azure.storage.filters.SharedKeyLiteAuthentication;
import org.jclouds.azure.storage.util.storageurl.StorageUrlSupplier;
import org.jclouds.crypto.Crypto;
import org.jclouds.date.TimeStamp;
import org.jclouds.domain.Credentials;
import org.jclouds.http.HttpException;
import org.jclouds.http.HttpRequest;
import org.jclouds.http.HttpUtils;
import org.jclouds.http.internal.SignatureWire;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.Payload;
import org.jclouds.oauth.v2.filters.OAuthFilter;

/**
 * Signs jclouds {@code azureblob} requests with the Shared Key scheme as Microsoft documents it ("Authorize
 * with Shared Key", version 2015-02-21 and later), or appends an account SAS. Bound in place of jclouds'
 * {@link SharedKeyLiteAuthentication} by {@link AzureBlobApiModule}.
 *
 * <p>Why: jclouds 2.7.0 signs SharedKeyLite by default, which Azurite rejects; its optional Shared Key mode
 * splits query parameters at every {@code '='}, so a Put Block's base64 block id loses its {@code ==}
 * padding in the string to sign, and it neither lower-cases parameter names nor URL-decodes their values
 * (a prefix listing of {@code "a b"} fails). Its SAS mode rebuilds the URL from the path's first segment,
 * which is the account, not the container, on path-style endpoints such as Azurite's. Real Azure accepts
 * what this class produces for every request, so there is one code path for Azure and Azurite.
 */
class SharedKeySigner extends SharedKeyLiteAuthentication {

    private static final String[] STANDARD_HEADERS = {"If-Modified-Since", "If-Match", "If-None-Match",
        "If-Unmodified-Since", "Range"};

    private final Supplier<Credentials> creds;
    private final Provider<String> timeStamp;
    private final boolean sas;

    @Inject
    SharedKeySigner(SignatureWire signatureWire, @org.jclouds.location.Provider Supplier<Credentials> creds,
                    @TimeStamp Provider<String> timeStampProvider, Crypto crypto, HttpUtils utils,
                    @Named("sasAuth") boolean sasAuthentication, StorageUrlSupplier storageUrlSupplier,
                    AuthType authType, OAuthFilter oAuthFilter) {
        super(signatureWire, creds, timeStampProvider, crypto, utils, sasAuthentication, storageUrlSupplier, authType,
                oAuthFilter);
        this.creds = creds;
        this.timeStamp = timeStampProvider;
        // jclouds' own detection splits the token at every '=', so a signature with '=' padding is missed
        this.sas = sasAuthentication || isSas(creds.get().credential);
    }

    /** Whether a credential is a shared access signature (it has {@code sv} and {@code sig} parameters). */
    static boolean isSas(String credential) {
        String query = credential.startsWith("?") ? credential.substring(1) : credential;
        boolean sv = false;
        boolean sig = false;
        for (String pair : query.split("&")) {
            sv |= pair.startsWith("sv=");
            sig |= pair.startsWith("sig=");
        }
        return sv && sig;
    }

    @Override
    public HttpRequest filter(HttpRequest request) throws HttpException {
        HttpRequest dated = request.toBuilder().replaceHeader("Date", timeStamp.get()).build();
        Credentials c = creds.get();
        if (sas) {
            return withSas(dated, c.credential);
        }
        String signature = sign(stringToSign(dated, c.identity), c.credential);
        return dated.toBuilder().replaceHeader("Authorization", "SharedKey " + c.identity + ":" + signature).build();
    }

    /** Appends the SAS token to the request's query, keeping its path: right for virtual-host and path-style. */
    static HttpRequest withSas(HttpRequest request, String token) {
        String sasQuery = token.startsWith("?") ? token.substring(1) : token;
        URI uri = request.getEndpoint();
        String query = uri.getRawQuery() == null || uri.getRawQuery().isEmpty() ? sasQuery : uri.getRawQuery() + "&" + sasQuery;
        String base = uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        return request.toBuilder().endpoint(URI.create(base + "?" + query)).removeHeader("Authorization").build();
    }

    /**
     * The Shared Key string to sign of a request: the verb, the standard headers, the canonicalized
     * {@code x-ms-} headers and the canonicalized resource, each as documented.
     */
    static String stringToSign(HttpRequest request, String account) {
        StringBuilder s = new StringBuilder();
        s.append(request.getMethod()).append('\n');
        Payload payload = request.getPayload();
        ContentMetadata md = payload == null ? null : payload.getContentMetadata();
        s.append(value(request, "Content-Encoding", md == null ? null : md.getContentEncoding())).append('\n');
        s.append(value(request, "Content-Language", md == null ? null : md.getContentLanguage())).append('\n');
        String length = value(request, "Content-Length", md == null || md.getContentLength() == null ? null
                : md.getContentLength().toString());
        s.append("0".equals(length) ? "" : length).append('\n');
        s.append(value(request, "Content-MD5", md == null || md.getContentMD5AsHashCode() == null ? null
                : Base64.getEncoder().encodeToString(md.getContentMD5AsHashCode().asBytes()))).append('\n');
        s.append(value(request, "Content-Type", md == null ? null : md.getContentType())).append('\n');
        // with x-ms-date present, the Date line is empty
        s.append(request.getFirstHeaderOrNull("x-ms-date") != null ? "" : value(request, "Date", null)).append('\n');
        for (String header : STANDARD_HEADERS) {
            s.append(value(request, header, null)).append('\n');
        }
        appendCanonicalizedHeaders(request, s);
        appendCanonicalizedResource(request.getEndpoint(), account, s);
        return s.toString();
    }

    private static String value(HttpRequest request, String header, String fallback) {
        for (Map.Entry<String, String> e : request.getHeaders().entries()) {
            if (e.getKey().equalsIgnoreCase(header)) {
                return e.getValue();
            }
        }
        return fallback == null ? "" : fallback;
    }

    private static void appendCanonicalizedHeaders(HttpRequest request, StringBuilder s) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (Map.Entry<String, String> e : request.getHeaders().entries()) {
            String name = e.getKey().toLowerCase(Locale.ROOT).trim();
            if (name.startsWith("x-ms-")) {
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(e.getValue().replaceAll("\\r?\\n\\s*", " ").strip());
            }
        }
        headers.forEach((name, values) -> s.append(name).append(':').append(String.join(",", values)).append('\n'));
    }

    /**
     * {@code /account/raw-path}, then for every query parameter, sorted by lower-cased name,
     * {@code \nname:value[,value...]} with URL-decoded values, sorted.
     */
    static void appendCanonicalizedResource(URI uri, String account, StringBuilder s) {
        s.append('/').append(account).append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return;
        }
        Map<String, List<String>> params = new TreeMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        params.forEach((name, values) -> {
            Collection<String> sorted = values.stream().sorted().toList();
            s.append('\n').append(name).append(':').append(String.join(",", sorted));
        });
    }

    /** Percent-decoding that keeps a literal '+' (as the Azure SDKs do), unlike form decoding. */
    static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Base64 of the HMAC-SHA256 of {@code toSign} (UTF-8) under the base64-decoded account key. */
    static String sign(String toSign, String base64Key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never include the key: name only what failed
            throw new HttpException("cannot sign the request: the storage account key is not valid base64 or "
                    + "HMAC-SHA256 is unavailable (" + e.getClass().getSimpleName() + ")");
        }
    }
}
