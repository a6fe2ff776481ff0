package dev.cloudhop.provider.aws;

import com.google.inject.AbstractModule;
import org.jclouds.aws.filters.FormSignerV4;

/**
 * jclouds signs EC2 requests (AWS signature V4) for the service and region it reads from the endpoint's
 * host name ({@code ec2.us-east-1.amazonaws.com}). An endpoint override such as {@code 127.0.0.1:4566}
 * yields service "127" and region "0", and the emulators cannot route the request. This module binds the
 * real scope: service {@code ec2} in the site's region.
 */
final class Ec2SigningScope extends AbstractModule {

    private final String region;

    Ec2SigningScope(String region) {
        this.region = region;
    }

    @Override
    protected void configure() {
        bind(FormSignerV4.ServiceAndRegion.class).toInstance(new FormSignerV4.ServiceAndRegion() {
            @Override
            public String service() {
                return "ec2";
            }

            @Override
            public String region(String host) {
                return region;
            }
        });
    }
}
