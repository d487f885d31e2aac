#pragma once

#include "record_file.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>
#include <QWaitCondition>
#include <deque>
#include <thread>
#include <vector>

namespace corslab::session {

/// \brief Reads and checks a store's heads files (lengths, CRCs) on a thread of its own, ahead
/// of the replay that applies their frames: reading and checking are about a sixth of opening a
/// large store, and the replay need not wait for them. Frames come in batches of a few
/// megabytes, at most a few batches ahead, so memory stays small whatever a file's size.
class HeadsReader
{
public:
    /// A run of whole, checked frames of one file; the file's last batch says how it ended.
    struct Batch
    {
        struct Frame
        {
            quint8 type = 0;
            qint64 fileOffset = 0; ///< of the frame's header in the file
            qsizetype at = 0;      ///< of its payload in payloads
            qsizetype size = 0;
        };
        qsizetype file = 0; ///< index into the files given
        QByteArray payloads;
        std::vector<Frame> frames;
        bool last = false;     ///< the file's last batch: scan and error are set
        RecordFile::Scan scan; ///< the file's whole frames and torn tail
        QString error;         ///< the file could not be opened or read: the replay fails
        QByteArrayView payload(const Frame &f) const
        {
            return {payloads.constData() + f.at, f.size};
        }
    };

    static constexpr qsizetype kBatchBytes = 4 << 20;

    /// Starts reading \a paths in order (heads files of epoch \a epoch); opened for writing in
    /// \a mode ReadWrite, each file's torn tail is cut as RecordFile::scan() does. A batch holds
    /// about \a batchBytes of payloads.
    HeadsReader(QList<QString> paths, quint32 epoch, RecordFile::Mode mode,
                qsizetype batchBytes = kBatchBytes);
    /// Stops the reading thread (after its current frame) and waits for it.
    ~HeadsReader();
    HeadsReader(const HeadsReader &) = delete;
    HeadsReader &operator=(const HeadsReader &) = delete;

    /// The next batch, waiting for it; false when every file has been read.
    bool next(Batch *batch);

private:
    void run();
    bool push(Batch &&batch);

    static constexpr size_t kBatchesAhead = 3;

    const QList<QString> m_paths;
    const quint32 m_epoch;
    const RecordFile::Mode m_mode;
    const qsizetype m_batchBytes;
    QMutex m_mutex;
    QWaitCondition m_changed;
    std::deque<Batch> m_ready;
    bool m_done = false;    ///< the thread pushed its last batch
    bool m_stopped = false; ///< the replay wants no more
    std::thread m_thread;
};

} // namespace corslab::session
