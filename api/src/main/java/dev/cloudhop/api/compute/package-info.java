/** Provider-neutral compute: launch, list and destroy nodes by group, run scripts. */
package dev.cloudhop.api.compute;
