/** The one adapter from jclouds to Cloudhop: blob store, compute and error translation. */
package dev.cloudhop.jclouds;
