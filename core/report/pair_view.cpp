#include "pair_view.h"

#include "base/header_list.h"
#include "cors/cors_error.h"
#include "cors/explanation.h"
#include "session/session.h"

namespace corslab::report {

namespace {

using session::ExchangeKind;
using Role = PairSide::Role;

QString latin1(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

bool startsWithIgnoreCase(QByteArrayView name, QByteArrayView prefix)
{
    return name.size() >= prefix.size() &&
           base::equalsIgnoreCase(name.first(prefix.size()), prefix);
}

bool isCorsRequestHeader(QByteArrayView name)
{
    return base::equalsIgnoreCase(name, "origin") ||
           startsWithIgnoreCase(name, "access-control-request-");
}

bool isCorsResponseHeader(QByteArrayView name)
{
    return startsWithIgnoreCase(name, "access-control-");
}

/// What a check read on its side's response: a header, the status line, or nothing we show.
struct CheckTarget
{
    enum class Kind { Nothing, Header, Status } kind = Kind::Nothing;
    QByteArrayView header;
};

CheckTarget targetOf(const cors::Check &c)
{
    using cors::Step;
    auto header = [](QByteArrayView name) { return CheckTarget{CheckTarget::Kind::Header, name}; };
    switch (c.step) {
    case Step::AllowOrigin:
        return header("Access-Control-Allow-Origin");
    case Step::AllowCredentials:
        return header("Access-Control-Allow-Credentials");
    case Step::AllowMethodsParse:
    case Step::MethodAllowed:
        return header("Access-Control-Allow-Methods");
    case Step::AllowHeadersParse:
    case Step::HeadersAllowed:
        return header("Access-Control-Allow-Headers");
    case Step::ExposedHeaders:
        return header("Access-Control-Expose-Headers");
    case Step::PreflightCache:
        // A cached result served the request: no preflight response was read.
        return c.variant == cors::CheckVariant::CacheHit ? CheckTarget{}
                                                         : header("Access-Control-Max-Age");
    case Step::PreflightStatus:
    case Step::PreflightRedirect:
    case Step::PreflightResponseKnown:
        return {CheckTarget::Kind::Status, {}};
    default:
        break;
    }
    return {};
}

cors::Phase phaseOf(Role role)
{
    return role == Role::Preflight ? cors::Phase::Preflight : cors::Phase::Response;
}

QList<HeaderLine *> responseLines(PairSide &side, QByteArrayView name)
{
    QList<HeaderLine *> out;
    for (HeaderLine &line : side.responseHeaders) {
        if (base::equalsIgnoreCase(line.name, name))
            out.append(&line);
    }
    return out;
}

HeaderLine &addMissing(PairSide &side, QByteArrayView name, Mark mark)
{
    HeaderLine line;
    line.name = name.toByteArray();
    line.missing = true;
    line.cors = isCorsResponseHeader(name);
    line.mark = mark;
    side.responseHeaders.append(line);
    return side.responseHeaders.last();
}

// ✓ on what passing checks read, ✗ and "decisive" on what the failing one read (added as
// missing when absent). Never downgrades a ✗: several checks read some headers.
void markChecks(PairSide &side, const cors::Verdict &verdict)
{
    const cors::Phase phase = phaseOf(side.role);
    for (const cors::Check &c : verdict.checks) {
        if (c.phase != phase)
            continue;
        const CheckTarget target = targetOf(c);
        if (target.kind == CheckTarget::Kind::Status) {
            if (side.status.mark != Mark::Failed)
                side.status.mark = c.ok ? Mark::Ok : Mark::Failed;
            side.status.decisive = side.status.decisive || !c.ok;
            continue;
        }
        if (target.kind != CheckTarget::Kind::Header)
            continue;
        const QList<HeaderLine *> lines = responseLines(side, target.header);
        for (HeaderLine *line : lines) {
            if (line->mark != Mark::Failed)
                line->mark = c.ok ? Mark::Ok : Mark::Failed;
            line->decisive = line->decisive || !c.ok;
        }
        if (lines.isEmpty() && !c.ok)
            addMissing(side, target.header, Mark::Failed).decisive = true;
    }
}

// The check that fails with credentials, for an exchange exposed as sent: ⚠, not decisive.
void markCredentialedFailure(PairSide &side, const cors::Verdict &credentialed)
{
    const cors::Check *failed = credentialed.failedCheck();
    if (!failed || failed->phase != phaseOf(side.role))
        return;
    const CheckTarget target = targetOf(*failed);
    const QString note = QStringLiteral("fails with credentials");
    if (target.kind == CheckTarget::Kind::Status) {
        side.status.mark = Mark::Warning;
        return;
    }
    if (target.kind != CheckTarget::Kind::Header)
        return;
    QList<HeaderLine *> lines = responseLines(side, target.header);
    if (lines.isEmpty())
        lines.append(&addMissing(side, target.header, Mark::Warning));
    for (HeaderLine *line : lines) {
        line->mark = Mark::Warning;
        line->note = note;
    }
}

// What the fix changes on this side's response: values to answer instead, headers to add
// (shown as missing) or remove, the status.
void markFix(PairSide &side, const cors::HeaderPatch &patch, bool blocked)
{
    auto markFor = [blocked](QByteArrayView name) {
        return blocked && isCorsResponseHeader(name) ? Mark::Failed : Mark::Warning;
    };
    auto raise = [](Mark &current, Mark to) {
        if (current != Mark::Failed)
            current = to;
    };
    for (const base::Header &h : patch.set) {
        QList<HeaderLine *> lines = responseLines(side, h.first);
        if (lines.isEmpty())
            lines.append(&addMissing(side, h.first, markFor(h.first)));
        for (HeaderLine *line : lines) {
            if (line->missing || line->value != h.second) {
                line->expected = h.second;
                raise(line->mark, markFor(h.first));
            }
        }
    }
    for (const QByteArray &name : patch.remove) {
        for (HeaderLine *line : responseLines(side, name)) {
            raise(line->mark, blocked ? Mark::Failed : Mark::Warning);
            line->note = QStringLiteral("remove");
        }
    }
    if (patch.status && *patch.status != side.status.status) {
        side.status.expected = patch.status;
        raise(side.status.mark, blocked ? Mark::Failed : Mark::Warning);
    }
}

QString sideTitle(Role role, ExchangeKind kind, qint64 id)
{
    QString what;
    if (role == Role::Preflight) {
        what = QStringLiteral("PREFLIGHT");
    } else {
        switch (kind) {
        case ExchangeKind::SimpleCors:
            what = QStringLiteral("SIMPLE REQUEST");
            break;
        case ExchangeKind::PreflightedActual:
        case ExchangeKind::PreflightCachedActual:
        case ExchangeKind::Preflight:
            what = QStringLiteral("ACTUAL REQUEST");
            break;
        case ExchangeKind::SameOrigin:
            what = QStringLiteral("SAME-ORIGIN REQUEST");
            break;
        case ExchangeKind::NoCors:
            what = QStringLiteral("NO-CORS REQUEST");
            break;
        case ExchangeKind::Navigation:
            what = QStringLiteral("NAVIGATION");
            break;
        case ExchangeKind::Tunnel:
            what = QStringLiteral("CONNECT TUNNEL");
            break;
        }
    }
    return id > 0 ? QStringLiteral("%1 #%2").arg(what).arg(id) : what;
}

PairSide presentSide(const session::Session &session, qsizetype index, Role role)
{
    const session::CapturedExchange x = session.exchange(index);
    const session::ExchangeRow row = session.row(index);
    PairSide side;
    side.role = role;
    side.present = true;
    side.index = index;
    side.id = row.id;
    side.kind = row.kind;
    side.title = sideTitle(role, row.kind, row.id);
    side.method = x.method;
    side.url = x.url;
    for (const auto &h : x.requestHeaders) {
        HeaderLine line;
        line.name = h.first;
        line.value = h.second;
        line.cors = isCorsRequestHeader(h.first);
        if (base::equalsIgnoreCase(h.first, "cookie"))
            line.note = QStringLiteral("credentials");
        side.requestHeaders.append(line);
    }
    side.status.received = x.status != 0;
    side.status.status = x.status;
    side.status.reason = x.reason;
    side.status.error = x.error;
    for (const auto &h : x.responseHeaders) {
        HeaderLine line;
        line.name = h.first;
        line.value = h.second;
        line.cors = isCorsResponseHeader(h.first);
        side.responseHeaders.append(line);
    }
    return side;
}

QString kindPhrase(ExchangeKind kind)
{
    switch (kind) {
    case ExchangeKind::SameOrigin:
        return QStringLiteral("a same-origin request");
    case ExchangeKind::Navigation:
        return QStringLiteral("a navigation");
    case ExchangeKind::Tunnel:
        return QStringLiteral("an opaque CONNECT tunnel");
    case ExchangeKind::NoCors:
        return QStringLiteral("not a CORS request");
    default:
        break;
    }
    return QStringLiteral("not a CORS request");
}

PairSide absentPreflight(const session::ExchangeRow &actual, const Explanation &explanation,
                         const cors::BrowserProfile &profile)
{
    PairSide side;
    side.role = Role::Preflight;
    side.title = QStringLiteral("PREFLIGHT");
    if (!session::isCorsKind(actual.kind)) {
        side.absentReason =
            QStringLiteral("no preflight: CORS does not apply (%1)").arg(kindPhrase(actual.kind));
        return side;
    }
    switch (actual.pairing) {
    case session::PairingState::CacheHit:
        side.referencedId = actual.pairedId;
        side.absentReason = QStringLiteral("no preflight sent: served from the preflight cache, "
                                           "see #%1 (its Access-Control-Max-Age still covered "
                                           "this request)")
                                .arg(actual.pairedId);
        return side;
    case session::PairingState::NoPreflightSeen:
        side.absentReason = QStringLiteral("no preflight seen: it may have been cached before the "
                                           "capture started; judged as if a cached preflight had "
                                           "allowed this request");
        return side;
    case session::PairingState::Paired:
    case session::PairingState::None:
        break;
    }
    // A simple request: the engine's own sentence says why no preflight was needed.
    if (explanation.verdict) {
        for (const cors::Check &c : explanation.verdict->checks) {
            if (c.step == cors::Step::PreflightNeeded &&
                c.variant == cors::CheckVariant::SimpleRequest) {
                side.absentReason =
                    QStringLiteral("no preflight needed: ") +
                    cors::explainCheck(c, cors::Scenario(), *explanation.verdict, profile);
                return side;
            }
        }
    }
    side.absentReason = QStringLiteral("no preflight needed: a simple request (GET, HEAD or POST "
                                       "with only CORS-safelisted headers)");
    return side;
}

PairSide absentActual(const session::Session &session, qsizetype preflightIndex,
                      const Explanation &explanation)
{
    PairSide side;
    side.role = Role::Actual;
    side.title = QStringLiteral("ACTUAL REQUEST");
    const session::CapturedExchange pf = session.exchange(preflightIndex);
    QByteArray method =
        base::getHeader(pf.requestHeaders, "access-control-request-method").value_or("actual");
    const QString request = latin1(method) + QStringLiteral(" request");
    switch (explanation.state) {
    case session::VerdictState::Blocked:
        side.absentReason = QStringLiteral("never sent: the preflight failed (%1), so the browser "
                                           "did not send the %2")
                                .arg(cors::corsErrorName(explanation.error), request);
        break;
    case session::VerdictState::Unknown:
        side.absentReason = QStringLiteral("never sent: the preflight got no usable response, so "
                                           "the browser did not send the %1")
                                .arg(request);
        break;
    case session::VerdictState::Warning:
        if (explanation.credentialedVerdict) {
            side.absentReason = QStringLiteral("not seen yet: no %1 has followed this preflight; "
                                               "with credentials: 'include' the preflight fails "
                                               "(%2) and it is never sent")
                                    .arg(request, cors::corsErrorName(explanation.error));
            break;
        }
        [[fallthrough]];
    case session::VerdictState::Exposed:
    case session::VerdictState::NotApplicable:
        side.absentReason = QStringLiteral("not seen yet: no %1 has followed this preflight (the "
                                           "page may not have sent it yet, or the capture ended)")
                                .arg(request);
        break;
    }
    return side;
}

// The headers of the actual request that made it need a preflight, and the one the preflight
// did not allow.
void annotateActualRequest(PairSide &side, const cors::Verdict &verdict)
{
    for (HeaderLine &line : side.requestHeaders) {
        for (const cors::PreflightReason &r : verdict.preflightReasons) {
            if (r.kind == cors::PreflightReason::Kind::Header &&
                base::equalsIgnoreCase(r.name, line.name))
                line.note = QStringLiteral("needs a preflight");
        }
    }
    const cors::Check *failed = verdict.failedCheck();
    if (failed && failed->step == cors::Step::HeadersAllowed) {
        for (HeaderLine &line : side.requestHeaders) {
            if (base::equalsIgnoreCase(line.name, failed->seen)) {
                line.mark = Mark::Failed;
                line.note = QStringLiteral("not allowed by the preflight");
            }
        }
    }
    for (HeaderLine &line : side.responseHeaders) {
        if (verdict.hiddenHeaders.contains(base::asciiLower(line.name)))
            line.note = QStringLiteral("hidden from JavaScript");
    }
}

void markSide(PairSide &side, const Explanation &e)
{
    if (!side.present || !e.verdict)
        return;
    markChecks(side, *e.verdict);
    if (side.role == Role::Actual)
        annotateActualRequest(side, *e.verdict);
    if (e.credentialedVerdict)
        markCredentialedFailure(side, *e.credentialedVerdict);
    if (!e.fix)
        return;
    const bool blocked = e.state == session::VerdictState::Blocked;
    const std::optional<cors::HeaderPatch> &patch =
        side.role == Role::Preflight ? e.fix->preflight : e.fix->response;
    if (patch)
        markFix(side, *patch, blocked);
}

} // namespace

QString markWord(Mark mark)
{
    switch (mark) {
    case Mark::Ok:
        return QStringLiteral("ok");
    case Mark::Failed:
        return QStringLiteral("failed");
    case Mark::Warning:
        return QStringLiteral("warning");
    case Mark::None:
        break;
    }
    return {};
}

QString markSymbol(Mark mark)
{
    switch (mark) {
    case Mark::Ok:
        return QStringLiteral("\u2713");
    case Mark::Failed:
        return QStringLiteral("\u2717");
    case Mark::Warning:
        return QStringLiteral("\u26a0");
    case Mark::None:
        break;
    }
    return {};
}

QString HeaderLine::text() const
{
    if (missing)
        return QStringLiteral("(%1 missing)").arg(latin1(name));
    return latin1(name + ": " + value);
}

QString HeaderLine::copyText() const
{
    if (missing)
        return latin1(name + ": " + expected);
    return latin1(name + ": " + value);
}

QString StatusLine::text() const
{
    if (!received)
        return error.isEmpty() ? QStringLiteral("no response")
                               : QStringLiteral("no response: ") + error;
    return QStringLiteral("%1 %2").arg(status).arg(latin1(reason)).trimmed();
}

QString PairSide::requestLine() const
{
    return latin1(method + ' ' + url);
}

namespace {
const HeaderLine *findLine(const QList<HeaderLine> &lines, QByteArrayView name)
{
    for (const HeaderLine &line : lines) {
        if (base::equalsIgnoreCase(line.name, name))
            return &line;
    }
    return nullptr;
}
} // namespace

const HeaderLine *PairSide::responseHeader(QByteArrayView name) const
{
    return findLine(responseHeaders, name);
}

const HeaderLine *PairSide::requestHeader(QByteArrayView name) const
{
    return findLine(requestHeaders, name);
}

PairView buildPairView(const session::Session &session, qsizetype index)
{
    PairView view;
    if (index < 0 || index >= session.count())
        return view;
    const session::ExchangeRow row = session.row(index);
    view.selectedIndex = index;
    view.selectedId = row.id;

    // Either half of a pair gives the same two sides: a preflight names its first actual
    // request, an actual request its preflight (a cached one stays on its own side).
    qsizetype preflightIndex = -1;
    qsizetype actualIndex = -1;
    if (row.kind == ExchangeKind::Preflight) {
        preflightIndex = index;
        if (row.pairedId > 0)
            actualIndex = session.indexOfId(row.pairedId);
    } else {
        actualIndex = index;
        if (row.pairing == session::PairingState::Paired && row.pairedId > 0)
            preflightIndex = session.indexOfId(row.pairedId);
    }

    const bool preflightOnly = actualIndex < 0;
    view.explanation =
        explainExchange(session, preflightOnly ? preflightIndex : actualIndex, preflightOnly);

    if (preflightIndex >= 0)
        view.preflight = presentSide(session, preflightIndex, Role::Preflight);
    else
        view.preflight =
            absentPreflight(session.row(actualIndex), view.explanation, session.profile());
    if (actualIndex >= 0)
        view.actual = presentSide(session, actualIndex, Role::Actual);
    else
        view.actual = absentActual(session, preflightIndex, view.explanation);

    markSide(view.preflight, view.explanation);
    markSide(view.actual, view.explanation);
    return view;
}

} // namespace corslab::report
