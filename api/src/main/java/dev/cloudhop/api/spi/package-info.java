/** The provider SPI: what a provider module implements and how it is configured. */
package dev.cloudhop.api.spi;
