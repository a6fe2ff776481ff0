/** The neutral core: {@link dev.cloudhop.api.Cloud}, sites, capabilities and the sealed error family. */
package dev.cloudhop.api;
