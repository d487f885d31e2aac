#pragma once

#include "contract.h"
#include "observation.h"

#include <QString>
#include <QStringList>

namespace corslab::check {

/// How a case ended.
enum class CaseOutcome {
    Passed,
    Failed, ///< the API answered, and not as the contract says
    Error,  ///< no answer to judge (a network failure, or nothing recorded)
};

/// \brief The judgement of one contract case.
struct CaseResult
{
    CaseOutcome outcome = CaseOutcome::Passed;
    QStringList reasons; ///< one sentence per broken promise; empty when passed
    QString fix;         ///< what to change, empty when passed or unknown

    bool passed() const { return outcome == CaseOutcome::Passed; }
};

/// Judges \a observation against what \a contractCase promises.
CaseResult judgeCase(const ContractCase &contractCase, const Observation &observation);

} // namespace corslab::check
