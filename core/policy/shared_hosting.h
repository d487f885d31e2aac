#pragma once

#include <QByteArray>
#include <QList>

namespace corslab::policy {

/// Shared hosting where anyone can publish a page under the provider's domain (github.io,
/// herokuapp.com, ...): an origin pattern or allowlist that trusts one of them trusts everyone.
/// The playground's dangers and the audit's third-party probes use the same list.
QList<QByteArray> commonSharedHostingSuffixes();

} // namespace corslab::policy
