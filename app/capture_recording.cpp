#include "capture_recording.h"

#include "session/session_json.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>
#include <cstdio>

using namespace corslab;

namespace {
QByteArray verdictText(const session::ExchangeRow &row)
{
    const session::VerdictSummary &v = row.verdict;
    switch (v.state) {
    case session::VerdictState::NotApplicable:
        return {};
    case session::VerdictState::Warning:
        // Exposed as sent; the error is what the same request would get with credentials.
        return row.errorName().isEmpty()
                   ? QByteArrayLiteral("  exposed (with warnings)")
                   : "  exposed; with credentials blocked: " + row.errorName().toUtf8();
    default:
        return "  " + session::verdictStateName(v.state).toUtf8() +
               (row.errorName().isEmpty() ? QByteArray() : ": " + row.errorName().toUtf8());
    }
}

// "  browser: blocked (PreflightInvalidStatus), agrees"
QByteArray browserText(const session::ExchangeRow &row)
{
    namespace bv = session::browser_verdict;
    if (row.browserVerdict == bv::kNone)
        return {};
    QByteArray said = row.browserVerdict == bv::kNoCorsError ? QByteArrayLiteral("no CORS error")
                      : row.browserVerdict == bv::kOtherError
                          ? QByteArrayLiteral("blocked (an error the engine does not know)")
                          : "blocked (" + bv::errorName(row.browserVerdict).toUtf8() + ')';
    return "  browser: " + said + ", " +
           session::browserAgreementName(row.browserAgreement()).toUtf8();
}
} // namespace

QByteArray exchangeLine(const session::ExchangeRow &row)
{
    QByteArray line = QDateTime::fromMSecsSinceEpoch(row.startedAtMs)
                          .toString(QStringLiteral("HH:mm:ss.zzz"))
                          .toLatin1();
    line += "  #" + QByteArray::number(row.id) + "  " +
            session::exchangeKindName(row.kind).toUtf8() + "  " + row.method + ' ' + row.url;
    if (!row.origin.isEmpty())
        line += "  origin=" + row.origin;
    line += "  " + (row.status ? QByteArray::number(row.status) : QByteArrayLiteral("-"));
    if (row.durationMs >= 0)
        line += "  " + QByteArray::number(row.durationMs) + "ms";
    if (row.failed)
        line += "  failed";
    line += verdictText(row);
    if (row.pairing != session::PairingState::None)
        line += "  [" + session::pairingStateName(row.pairing).toUtf8() +
                (row.pairedId ? " #" + QByteArray::number(row.pairedId) : QByteArray()) + ']';
    if (row.overridden)
        line += "  (overridden)";
    line += browserText(row);
    return line + '\n';
}

qsizetype printNewExchanges(const session::Session &session, qsizetype printed, bool quiet)
{
    const qsizetype total = session.count();
    if (quiet)
        return total;
    QByteArray lines;
    for (const session::ExchangeRow &row : session.rows(printed, total - printed))
        lines += exchangeLine(row);
    if (!lines.isEmpty()) {
        std::fwrite(lines.constData(), 1, size_t(lines.size()), stdout);
        std::fflush(stdout);
    }
    return total;
}

CaptureRecording::CaptureRecording(Options options, QTextStream &out, QTextStream &err)
    : m_options(std::move(options)), m_out(out), m_err(err)
{
}

QString CaptureRecording::storeDirectory()
{
    const QString &record = m_options.recordFile;
    if (record.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return record.chopped(int(qstrlen(".json"))) + QStringLiteral(".corslab");
    if (!record.isEmpty())
        return record;
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    QDir().mkpath(cache);
    m_scratch = std::make_unique<QTemporaryDir>(cache + QStringLiteral("/capture-XXXXXX"));
    return m_scratch->isValid() ? m_scratch->filePath(QStringLiteral("session.corslab"))
                                : QString();
}

bool CaptureRecording::start(session::Session *session)
{
    const QString directory = storeDirectory();
    session::StoreOptions options;
    options.createdBy = QStringLiteral("corslab-cli ") + QCoreApplication::applicationVersion();
    options.syncIntervalMs = int(m_options.syncSeconds * 1000);
    options.retention = m_options.retention;
    QString error;
    if (directory.isEmpty() ||
        !session::SessionStore::create(directory, options, session, &error)) {
        // Without --record the store is the command's own: say so, not "--record".
        const QString what = m_options.recordFile.isEmpty() ? QStringLiteral("session store: ")
                                                            : QStringLiteral("--record: ");
        m_err << m_options.command << what
              << (directory.isEmpty() ? QStringLiteral("no writable cache directory") : error)
              << "\n";
        return false;
    }
    m_store = static_cast<session::SessionStore *>(session->log());
    QObject::connect(m_store, &session::SessionStore::warning, qApp, [this](const QString &text) {
        m_err << m_options.command << text << "\n";
        m_err.flush();
    });
    return true;
}

// Stopping costs the last second of traffic at most: the store is synced, nothing rewritten.
// A .json --record is written from the store afterwards (that takes as long as the file is big).
bool CaptureRecording::finish(const session::Session &session)
{
    if (!m_store)
        return true;
    QString why;
    const QString what = m_options.recordFile.isEmpty() ? QStringLiteral("session store: ")
                                                        : QStringLiteral("--record: ");
    if (!m_store->close(&why)) {
        m_err << m_options.command << what << why << "\n";
        return false;
    }
    const session::StoreStats stats = m_store->stats();
    if (stats.bodiesNotKept > 0)
        m_out << stats.bodiesNotKept << " of the bodies could not be kept (their exchanges were): "
              << (stats.warning.isEmpty() ? QStringLiteral("the disk was behind the traffic")
                                          : stats.warning)
              << "\n";
    const QString &record = m_options.recordFile;
    if (record.isEmpty())
        return true;
    if (!record.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        m_out << "Session recorded in " << record << " (" << session.count() << " exchanges).\n";
        return true;
    }
    m_out << "Capture safe in " << m_store->directory() << "; writing " << record << "...\n";
    m_out.flush();
    session::WriteOptions write;
    write.createdBy = QStringLiteral("corslab-cli ") + QCoreApplication::applicationVersion();
    if (!session::writeSessionFile(session, record, &why, write)) {
        m_err << m_options.command << "--record: " << why << " (the capture is kept in "
              << m_store->directory() << ")\n";
        return false;
    }
    m_out << "Session written to " << record << " (" << session.count() << " exchanges).\n";
    if (!m_store->removeFiles(&why)) // the JSON file holds it all now
        m_err << m_options.command << why << "\n";
    return true;
}
