// A recovery journal as builds before the session store wrote it (docs/session-format.md §
// Recovery journal of earlier builds). This build only reads one, so its tests write the
// documented lines themselves: a header, settings lines, chunks of exchanges.
#pragma once

#include "session/session.h"
#include "session/session_json.h"

#include <QFile>
#include <algorithm>

namespace corslab::session::testing {

/// A journal's lines, added in the order an earlier build appended them.
class LegacyJournal
{
public:
    /// Exchanges per chunk line, as the earlier builds wrote them.
    static constexpr qsizetype kChunk = 512;

    /// The header line, naming \a createdBy.
    explicit LegacyJournal(const QByteArray &createdBy = "tst")
    {
        m_bytes = R"({"format":"corslab-recovery","version":1,"createdBy":")" + createdBy +
                  R"(","createdAt":"2024-05-01T10:45:12.004Z"})" + '\n';
    }

    /// A settings line: \a session's profile and body cap, and \a extensions.
    LegacyJournal &settings(const Session &session, const ExtensionValues &extensions = {})
    {
        m_bytes += R"({"settings":{)";
        appendSettingsJson(&m_bytes, session.profile().name, session.bodyCap(), extensions);
        m_bytes += "}}\n";
        return *this;
    }

    /// Chunk lines for \a session's exchanges the journal does not hold yet.
    LegacyJournal &exchanges(const Session &session)
    {
        while (m_count < session.count()) {
            const qsizetype n = std::min(kChunk, session.count() - m_count);
            m_bytes += R"({"first":)" + QByteArray::number(m_count) + R"(,"exchanges":[)";
            for (qsizetype i = m_count; i < m_count + n; ++i) {
                if (i > m_count)
                    m_bytes += ',';
                appendExchangeJson(&m_bytes, session.exchange(i), i + 1);
            }
            m_bytes += "]}\n";
            m_count += n;
        }
        return *this;
    }

    const QByteArray &bytes() const { return m_bytes; }

    /// Writes the journal to \a path, as a crash of an earlier build left it.
    bool writeTo(const QString &path) const
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(m_bytes) == m_bytes.size();
    }

private:
    QByteArray m_bytes;
    qsizetype m_count = 0; ///< exchanges in the chunk lines so far
};

} // namespace corslab::session::testing
