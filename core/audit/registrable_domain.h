#pragma once

#include <QByteArray>

/// The Public Suffix List through libpsl: what part of a host a registrant owns.
namespace corslab::audit {

/// The host's registrable domain (eTLD+1: "example.com" for "app.example.com", "me.github.io"
/// for "a.me.github.io"); the host itself for single labels, IP addresses and public suffixes.
QByteArray registrableDomain(const QByteArray &host);

/// The shared-hosting suffix \a host sits on ("github.io" for "me.github.io"): a suffix of the
/// list's private section, where anyone may publish; empty when there is none.
QByteArray sharedHostingSuffix(const QByteArray &host);

/// True for an IPv4 or IPv6 address.
bool isIpAddress(const QByteArray &host);

} // namespace corslab::audit
