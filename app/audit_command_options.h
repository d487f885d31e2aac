#pragma once

#include "audit/audit_plan.h"

#include <QString>
#include <optional>

class QTextStream;

/// \brief What `corslab-cli audit`'s command line asks for, checked.
struct AuditCommandOptions
{
    enum class Format { Text, Json, Html, Sarif };

    corslab::audit::AuditOptions audit;
    Format format = Format::Text;
    QString outputFile; ///< -o; empty: standard output
    QString recordFile; ///< --record: the audit's exchanges as a session file; empty: none
};

/// Parses `corslab-cli audit`'s \a arguments into \a options. Returns nullopt when the audit
/// should run; otherwise the exit code: 0 after --help, 2 after a usage error (one line on \a err
/// naming the option and what was expected; nothing is sent).
std::optional<int> parseAuditCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, AuditCommandOptions *options);
