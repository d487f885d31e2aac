#include "request_options.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSslCertificate>
#include <QTextStream>

namespace cli_request {

namespace {
constexpr double kMaxTimeoutSeconds = 3600;
constexpr int kMillisecondsPerSecond = 1000;
} // namespace

bool usage(QTextStream &err, const QString &command, const QString &option, const QString &expected,
           const QString &got)
{
    err << command << option << ": expected " << expected << ", got \"" << got << "\"\n";
    return false;
}

bool readHeaders(const QStringList &values, const QString &command, QTextStream &err,
                 corslab::base::HeaderList *headers)
{
    for (const QString &h : values) {
        const qsizetype colon = h.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            return usage(err, command, QStringLiteral("--header"), QStringLiteral("'Name: value'"),
                         h);
        headers->append({h.left(colon).trimmed().toUtf8(), h.mid(colon + 1).trimmed().toUtf8()});
    }
    return true;
}

bool readTransport(const Transport &given, const QString &command, QTextStream &err,
                   corslab::check::CheckRunner::Options *runner)
{
    bool ok = false;
    const double seconds = given.timeoutSeconds.toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > kMaxTimeoutSeconds)
        return usage(err, command, QStringLiteral("--timeout"),
                     QStringLiteral("seconds, more than 0 and at most %1").arg(kMaxTimeoutSeconds),
                     given.timeoutSeconds);
    runner->timeoutMs = int(seconds * kMillisecondsPerSecond);
    runner->verifyCertificates = !given.insecure;
    if (given.cacertFile.isEmpty())
        return true;
    if (!QFile::exists(given.cacertFile)) {
        err << command << "--cacert: no such file: " << given.cacertFile << "\n";
        return false;
    }
    runner->caCertificates = QSslCertificate::fromPath(given.cacertFile, QSsl::Pem);
    if (runner->caCertificates.isEmpty()) {
        err << command << "--cacert: expected PEM certificates in " << given.cacertFile
            << ", found none\n";
        return false;
    }
    return true;
}

Transport TransportOptions::given(const QCommandLineParser &parser) const
{
    return {parser.value(timeout), parser.isSet(insecure),
            parser.isSet(cacert) ? parser.value(cacert) : QString()};
}

} // namespace cli_request
