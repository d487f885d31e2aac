#pragma once

#include "check/check_runner.h"

#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

class QTextStream;

/// \brief What `corslab-cli check`'s command line asks for, checked.
struct CheckCommandOptions
{
    enum class Format { Text, Json };
    /// What is checked: one URL, a contract file, or every operation of an OpenAPI description.
    enum class Target { Url, Contract, OpenApi };

    Target target = Target::Url;
    QString contractFile; ///< with Target::Contract
    QString openApiFile;  ///< with Target::OpenApi
    QUrl baseUrl;         ///< --base-url; empty: the file's own
    QString junitFile;    ///< --junit; empty: none
    /// The request as the page makes it (the URL only with Target::Url).
    corslab::client::ComposedRequest request;
    bool originGiven = false;
    QStringList browsers; ///< profile names, in order; "all" expanded
    bool browsersGiven = false;
    Format format = Format::Text;
    corslab::check::CheckRunner::Options runner;
};

/// Parses `corslab-cli check`'s \a arguments into \a options. Returns nullopt when the check
/// should run; otherwise the exit code: 0 after --help (printed on \a out), 2 after a usage error
/// (one line on \a err naming the option and what was expected).
std::optional<int> parseCheckCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, CheckCommandOptions *options);
