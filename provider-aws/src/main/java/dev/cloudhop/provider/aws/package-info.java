/**
 * The AWS provider ({@code aws}): S3 through jclouds, SQS and Route 53 through the AWS SDK v2, EC2 compute.
 * The public surface is {@link dev.cloudhop.provider.aws.AwsProvider} (found by {@link java.util.ServiceLoader})
 * and {@link dev.cloudhop.provider.aws.Route53Routing}; everything else is package-private.
 */
package dev.cloudhop.provider.aws;
