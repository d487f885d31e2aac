#pragma once

#include "base/header_list.h"
#include "check/check_runner.h"

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>
#include <utility>

class QCommandLineParser;
class QTextStream;

/// Options that `check` and `audit` read alike: the usage line, headers, one-of choices and the
/// transport (timeout, CA certificates, verification). Each error is one line on \a err starting
/// with \a command ("corslab-cli check: ") and naming the option.
namespace cli_request {

/// Prints "<command><option>: expected <expected>, got "<got>"" and returns false.
bool usage(QTextStream &err, const QString &command, const QString &option, const QString &expected,
           const QString &got);

/// \a values ("Name: value" each) appended to \a headers.
bool readHeaders(const QStringList &values, const QString &command, QTextStream &err,
                 corslab::base::HeaderList *headers);

/// The transport options as given: --timeout SECONDS, --insecure, --cacert FILE (empty: none).
struct Transport
{
    QString timeoutSeconds;
    bool insecure = false;
    QString cacertFile;
};
bool readTransport(const Transport &given, const QString &command, QTextStream &err,
                   corslab::check::CheckRunner::Options *runner);

/// --cacert, --insecure and --timeout, declared once for every command that sends requests.
struct TransportOptions
{
    QCommandLineOption cacert{QStringLiteral("cacert"),
                              QStringLiteral("Also trust the CA certificate(s) in FILE (PEM)."),
                              QStringLiteral("FILE")};
    QCommandLineOption insecure{QStringLiteral("insecure"),
                                QStringLiteral("Do not verify the server's certificate.")};
    QCommandLineOption timeout{QStringLiteral("timeout"),
                               QStringLiteral("Seconds per request: connect and whole response "
                                              "(default 15)."),
                               QStringLiteral("SECONDS"), QStringLiteral("15")};

    QList<QCommandLineOption> all() const { return {cacert, insecure, timeout}; }
    /// What \a parser got for them, for readTransport().
    Transport given(const QCommandLineParser &parser) const;
};

/// The choice called \a value among \a choices, or a usage error listing them.
template<typename Enum>
bool pick(QTextStream &err, const QString &command, const QString &option, const QString &value,
          const QList<std::pair<QString, Enum>> &choices, Enum *out)
{
    QStringList names;
    for (const auto &[name, e] : choices) {
        if (name == value) {
            *out = e;
            return true;
        }
        names << name;
    }
    const QString last = names.takeLast();
    return usage(err, command, option,
                 names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last, value);
}

} // namespace cli_request
