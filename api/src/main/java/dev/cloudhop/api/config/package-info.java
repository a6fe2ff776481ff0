/** Configuration loading (one HOCON file, environment overrides, all problems at once) and the Guice bootstrap. */
package dev.cloudhop.api.config;
