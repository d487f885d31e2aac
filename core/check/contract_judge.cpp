// One case against what was seen: every broken promise becomes a sentence with its fix.
#include "contract_judge.h"

#include "cors/cors_error.h"

namespace corslab::check {

namespace {

/// Collects reasons and fixes, keeping each fix once.
struct Findings
{
    QStringList reasons;
    QStringList fixes;

    void add(const QString &reason, const QString &fix)
    {
        reasons << reason;
        if (!fix.isEmpty() && !fixes.contains(fix))
            fixes << fix;
    }
};

void judgeExposed(const ContractCase &c, const Observation &o, Findings *f)
{
    if (!o.exposed) {
        f->add(QStringLiteral("expected exposed, got blocked: %1").arg(o.explanation), o.fix);
        return; // nothing is readable, nothing else to say
    }
    for (const QByteArray &name : c.readableHeaders) {
        if (!o.readableHeaders.contains(name.toLower()))
            f->add(QStringLiteral("%1 is not readable: add it to Access-Control-Expose-Headers")
                       .arg(QString::fromLatin1(name)),
                   QStringLiteral("Add %1 to Access-Control-Expose-Headers.")
                       .arg(QString::fromLatin1(name)));
    }
}

void judgeBlocked(const ContractCase &c, const Observation &o, Findings *f)
{
    if (o.exposed) {
        const QString origin = QString::fromLatin1(c.request.origin);
        f->add(QStringLiteral("expected blocked, got exposed: a page at %1 can read the response")
                   .arg(origin),
               QStringLiteral("Answer requests from %1 without Access-Control-Allow-Origin (and "
                              "refuse its preflight).")
                   .arg(origin));
        return;
    }
    if (c.error != cors::CorsError::None && o.error != c.error)
        f->add(QStringLiteral("expected error %1, got %2")
                   .arg(cors::corsErrorName(c.error), cors::corsErrorName(o.error)),
               {});
}

void judgeVary(const ContractCase &c, const Observation &o, Findings *f)
{
    // A failed preflight means no actual response, so there is no Vary to look at.
    if (!c.varyOrigin || o.varyOrigin || (!o.exposed && cors::isPreflightError(o.error)))
        return;
    f->add(QStringLiteral("Vary: Origin missing: a cache may serve one origin's answer to another"),
           QStringLiteral("Add Vary: Origin to the response."));
}

void judgeMaxAge(const ContractCase &c, const Observation &o, Findings *f)
{
    if (!c.maxAgeAtLeast || !o.exposed)
        return;
    const qint64 least = *c.maxAgeAtLeast;
    const QString fix = QStringLiteral("Send Access-Control-Max-Age: %1 (or more) on the "
                                       "preflight response.")
                            .arg(least);
    if (!o.preflightSent)
        f->add(QStringLiteral("no preflight was sent, so Access-Control-Max-Age could not be "
                              "checked (expected at least %1)")
                   .arg(least),
               {});
    else if (!o.preflightMaxAgeSeconds)
        f->add(QStringLiteral("Access-Control-Max-Age missing (browsers then cache the preflight "
                              "for 5 seconds), expected at least %1")
                   .arg(least),
               fix);
    else if (*o.preflightMaxAgeSeconds < least)
        f->add(QStringLiteral("Access-Control-Max-Age is %1, expected at least %2")
                   .arg(*o.preflightMaxAgeSeconds)
                   .arg(least),
               fix);
}

} // namespace

CaseResult judgeCase(const ContractCase &contractCase, const Observation &observation)
{
    CaseResult result;
    if (!observation.networkFailure.isEmpty()) {
        result.outcome = CaseOutcome::Error;
        result.reasons << observation.networkFailure;
        return result;
    }
    Findings findings;
    if (contractCase.expect == Expectation::Exposed)
        judgeExposed(contractCase, observation, &findings);
    else
        judgeBlocked(contractCase, observation, &findings);
    judgeVary(contractCase, observation, &findings);
    judgeMaxAge(contractCase, observation, &findings);
    if (!findings.reasons.isEmpty()) {
        result.outcome = CaseOutcome::Failed;
        result.reasons = findings.reasons;
        result.fix = findings.fixes.join(QLatin1Char(' '));
    }
    return result;
}

} // namespace corslab::check
