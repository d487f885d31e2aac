#include "registrable_domain.h"

#include <QHostAddress>
#include <libpsl.h>

namespace corslab::audit {

namespace {

// Debian's list (the publicsuffix package) when present, else the one libpsl was built with;
// loaded once, kept for the process.
const psl_ctx_t *suffixList()
{
    static const psl_ctx_t *const list = [] {
        const psl_ctx_t *latest = psl_latest(nullptr);
        return latest ? latest : psl_builtin();
    }();
    return list;
}

} // namespace

bool isIpAddress(const QByteArray &host)
{
    return !QHostAddress(QString::fromLatin1(host)).isNull();
}

QByteArray registrableDomain(const QByteArray &host)
{
    if (isIpAddress(host) || !suffixList())
        return host;
    const QByteArray lower = host.toLower();
    const char *domain = psl_registrable_domain(suffixList(), lower.constData());
    return domain ? QByteArray(domain) : lower;
}

QByteArray sharedHostingSuffix(const QByteArray &host)
{
    if (isIpAddress(host) || !suffixList())
        return {};
    const QByteArray lower = host.toLower();
    const char *suffix = psl_unregistrable_domain(suffixList(), lower.constData());
    if (!suffix)
        return {};
    const bool isPrivate =
        psl_is_public_suffix2(suffixList(), suffix, PSL_TYPE_PRIVATE | PSL_TYPE_NO_STAR_RULE) != 0;
    const bool isIcann =
        psl_is_public_suffix2(suffixList(), suffix, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) != 0;
    return isPrivate && !isIcann ? QByteArray(suffix) : QByteArray();
}

} // namespace corslab::audit
