#pragma once

#include "contract.h"
#include "contract_judge.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace corslab::check {

/// JUnit XML (the Ant schema CI servers read) for one run of a contract: one <testsuite> named
/// \a suiteName, one <testcase> per case (classname "<suite>.<browser>"); a failed case carries a
/// <failure message="reasons"> with the reasons and the fix in its text, a case that got no answer
/// an <error>. \a durationsMs, when given, holds each case's time in milliseconds (same order).
/// Cases without a result count as errors.
QByteArray junitXml(const QString &suiteName, const QList<ContractCase> &cases,
                    const QList<CaseResult> &results, const QList<qint64> &durationsMs = {});

} // namespace corslab::check
