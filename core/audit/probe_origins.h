#pragma once

#include "audit_class.h"
#include "cors/origin.h"

#include <QByteArray>
#include <QList>

/// The origins an attacker would try, derived from the origins an API trusts (docs/audit.md
/// § How it probes), and which flaw explains a probe's acceptance.
namespace corslab::audit {

/// The attacker's own registrable domain in every probe.
inline constexpr char kAttackerDomain[] = "corslab-attacker.test";

/// One origin to send, and the class it reveals when the API trusts it.
struct ProbeOrigin
{
    QByteArray origin;         ///< serialized, as the Origin header carries it ("null" included)
    AuditClass auditClass;     ///< what trusting it means
    QByteArray trusted;        ///< the trusted origin it was derived from; empty when none
    char specialCharacter = 0; ///< SpecialCharacters: the character after the trusted host
};

/// The characters tried after the trusted host (SpecialCharacters): those some browser keeps in
/// a host name (BrowserProfile::hostSpecialCharacters), `_` first.
inline constexpr char kSpecialProbeCharacters[] = "_`{}!~$&'()*+,;=\"";

/// Every probe for \a trusted, without duplicates and without any trusted origin itself.
QList<ProbeOrigin> probeOrigins(const QList<cors::Origin> &trusted);

/// True when a check of kind \a broader, made for \a trusted, would also accept \a probe: then
/// the broader flaw explains the probe's acceptance (docs/audit.md's prediction table). Classes
/// without a rule predict nothing.
bool predicts(AuditClass broader, const cors::Origin &trusted, const QByteArray &probe);

} // namespace corslab::audit
