/** Provider-neutral authoritative DNS: zones and A/AAAA/CNAME/TXT record sets. */
package dev.cloudhop.api.dns;
