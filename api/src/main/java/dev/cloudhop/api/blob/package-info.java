/** Provider-neutral blob storage: containers, streaming put/get, conditional writes, paged listing. */
package dev.cloudhop.api.blob;
