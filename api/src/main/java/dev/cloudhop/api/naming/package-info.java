/** Naming rules per provider and the portable name check across the providers of a configuration. */
package dev.cloudhop.api.naming;
