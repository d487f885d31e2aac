#include "heads_reader.h"

#include <QMutexLocker>

namespace corslab::session {

HeadsReader::HeadsReader(QList<QString> paths, quint32 epoch, RecordFile::Mode mode,
                         qsizetype batchBytes)
    : m_paths(std::move(paths)), m_epoch(epoch), m_mode(mode), m_batchBytes(batchBytes),
      m_thread([this] { run(); })
{
}

HeadsReader::~HeadsReader()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stopped = true;
        m_changed.wakeAll();
    }
    m_thread.join();
}

bool HeadsReader::next(Batch *batch)
{
    QMutexLocker lock(&m_mutex);
    while (m_ready.empty() && !m_done)
        m_changed.wait(&m_mutex);
    if (m_ready.empty())
        return false;
    *batch = std::move(m_ready.front());
    m_ready.pop_front();
    m_changed.wakeAll();
    return true;
}

// Waits for room; false once the replay stopped.
bool HeadsReader::push(Batch &&batch)
{
    QMutexLocker lock(&m_mutex);
    while (m_ready.size() >= kBatchesAhead && !m_stopped)
        m_changed.wait(&m_mutex);
    if (m_stopped)
        return false;
    m_ready.push_back(std::move(batch));
    m_changed.wakeAll();
    return true;
}

void HeadsReader::run()
{
    for (qsizetype i = 0; i < m_paths.size(); ++i) {
        Batch batch;
        batch.file = i;
        RecordFile file;
        if (!file.open(m_paths.at(i), RecordFile::Kind::Heads, m_epoch, m_mode, &batch.error)) {
            batch.last = true;
            push(std::move(batch));
            break;
        }
        bool stopped = false;
        batch.scan = file.scan(
            [&](quint8 type, QByteArrayView payload, qint64 offset) {
                batch.frames.push_back({type, offset, batch.payloads.size(), payload.size()});
                batch.payloads.append(payload);
                if (batch.payloads.size() < m_batchBytes)
                    return true;
                Batch full = std::exchange(batch, Batch());
                batch.file = i;
                stopped = !push(std::move(full));
                return !stopped;
            },
            &batch.error);
        if (stopped)
            break;
        batch.last = true;
        const bool failed = !batch.error.isEmpty();
        if (!push(std::move(batch)) || failed)
            break;
    }
    QMutexLocker lock(&m_mutex);
    m_done = true;
    m_changed.wakeAll();
}

} // namespace corslab::session
