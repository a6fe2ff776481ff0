package dev.cloudhop.api.blob;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Turns a token-paged listing into a lazy stream: the next page is fetched only when the previous one is
 * consumed.
 */
final class PagedStream {

    private PagedStream() {
    }

    /**
     * A lazy stream over {@code first} and the pages that follow it.
     *
     * @param first   the first page, already fetched
     * @param entries a page's entries
     * @param next    a page's next token, empty on the last page
     * @param fetch   fetches the page for a token
     */
    static <P, T> Stream<T> of(P first, Function<P, List<T>> entries, Function<P, Optional<String>> next,
                                      Function<String, P> fetch) {
        Iterator<T> iterator = new Iterator<>() {
            private Iterator<T> current = entries.apply(first).iterator();
            private Optional<String> token = next.apply(first);

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && token.isPresent()) {
                    P page = fetch.apply(token.get());
                    current = entries.apply(page).iterator();
                    token = next.apply(page);
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
