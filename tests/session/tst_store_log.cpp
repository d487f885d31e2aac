// The session store's log layer on real files: CRC-32C (hardware and table agree), RecordFile
// (header checks, round trip, every torn tail and bit flip cut cleanly), StoreWriter (queue,
// pending bodies, bound, disk full by the fault hook and by a real EFBIG, a SIGKILL loses only
// what was not synced) and BodyReader (never returns wrong bytes). No timing decides a pass.
#include "session/body_reader.h"
#include "session/crc32.h"
#include "session/heads_reader.h"
#include "session/record_file.h"
#include "session/store_writer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace corslab::session;

namespace {

using Kind = RecordFile::Kind;
using Mode = RecordFile::Mode;
constexpr quint32 kEpoch = 7;
constexpr quint8 kHeadType = 3;
constexpr quint32 kCrcCheckValue = 0xE3069283U; // CRC-32C of "123456789"
constexpr int kTornFrames = 8;
constexpr int kEfbigLimit = 200 * 1024; // RLIMIT_FSIZE of the EFBIG child
constexpr int kEfbigExchanges = 160;
constexpr int kKillRounds = 4;
constexpr int kKillBatch = 20;
constexpr int kOpenGate = 1 << 20; // releases of a semaphore that the writer never exhausts

// Deterministic bodies, so a process that did not write them can check them.
QByteArray bodyFor(quint64 seq)
{
    constexpr quint64 kSizeStep = 7919;
    constexpr quint64 kMaxSize = 3000;
    QByteArray body(qsizetype((seq * kSizeStep) % kMaxSize), Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char((seq * 31 + quint64(i) * 17) & 0xFF);
    return body;
}

QByteArray headFor(quint64 seq)
{
    return "head of exchange " + QByteArray::number(seq);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

struct Scanned
{
    RecordFile::Scan scan;
    std::vector<QByteArray> payloads;
    std::vector<qint64> offsets;
    QString error;
};

Scanned scanFile(const QString &path, Kind kind, Mode mode)
{
    Scanned result;
    RecordFile file;
    if (!file.open(path, kind, kEpoch, mode, &result.error))
        return result;
    result.scan = file.scan(
        [&](quint8, QByteArrayView payload, qint64 offset) {
            result.payloads.push_back(payload.toByteArray());
            result.offsets.push_back(offset);
            return true;
        },
        &result.error);
    return result;
}

bool appendOne(const QString &path, Kind kind, const QByteArray &payload, QString *error)
{
    RecordFile file;
    if (!file.open(path, kind, kEpoch, Mode::ReadWrite, error))
        return false;
    file.scan({}, error);
    return error->isEmpty() && file.append({{kHeadType, payload, {}}}, error);
}

QString segmentPath(const QTemporaryDir &dir, quint32 segment, Kind kind)
{
    return QDir(dir.path()).filePath(segmentFileName(segment, kind));
}

// The warning handler runs on the writer thread.
struct Warnings
{
    QMutex mutex;
    QStringList texts;
    QStringList resumed; ///< the texts of Notice::Resumed
    StoreWriter::NoticeHandler handler()
    {
        return [this](StoreWriter::Notice notice, const QString &text) {
            QMutexLocker lock(&mutex);
            texts.append(text);
            if (notice == StoreWriter::Notice::Resumed)
                resumed.append(text);
        };
    }
    QString all()
    {
        QMutexLocker lock(&mutex);
        return texts.join(QLatin1Char('\n'));
    }
    QStringList allResumed()
    {
        QMutexLocker lock(&mutex);
        return resumed;
    }
};

// ---- child processes (fork); they report through a pipe and never return ----

void writeToPipe(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, std::size_t(bytes.size() - done));
        if (n <= 0)
            ::_exit(3);
        done += n;
    }
}

QByteArray readPipe(int fd)
{
    QByteArray all;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return all;
        all.append(buffer, n);
    }
}

// A capture under RLIMIT_FSIZE: the bodies file hits EFBIG, a new segment is asked for at once
// (retryMs 0) and started. Reports its stats and every body location it was given.
[[noreturn]] void efbigChild(const QString &directory, int out)
{
    ::signal(SIGXFSZ, SIG_IGN); // EFBIG instead of death
    const rlimit limit{kEfbigLimit, kEfbigLimit};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        ::_exit(2);
    StoreWriter::Options options;
    options.directory = directory;
    options.epoch = kEpoch;
    options.retryMs = 0;
    StoreWriter writer(options);
    QString error;
    quint32 segment = 1;
    if (!writer.start(segment, &error))
        ::_exit(1);
    QByteArray report;
    for (quint64 seq = 0; seq < quint64(kEfbigExchanges); ++seq) {
        if (writer.wantsNewSegment())
            writer.startSegment(++segment);
        if (const auto location = writer.addBody(seq, bodyFor(seq) + bodyFor(seq + 1)))
            report += "body " + QByteArray::number(seq) + ' ' +
                      QByteArray::number(location->segment) + ' ' +
                      QByteArray::number(location->offset) + '\n';
        writer.addHead(kHeadType, headFor(seq));
        if (seq % 4 == 3)
            writer.flush();
    }
    writer.stop();
    const StoreWriter::Stats stats = writer.stats();
    report += "stats " + QByteArray::number(stats.bodiesDropped) + ' ' +
              QByteArray::number(stats.headsLost) + ' ' + QByteArray::number(segment) + ' ' +
              QByteArray::number(stats.framesDurable) + '\n';
    writeToPipe(out, report);
    ::_exit(0);
}

// Appends exchanges for ever; after each flush() writes the durable head-frame count (8 bytes).
[[noreturn]] void killChild(const QString &directory, int out)
{
    StoreWriter::Options options;
    options.directory = directory;
    options.epoch = kEpoch;
    StoreWriter writer(options);
    QString error;
    if (!writer.start(1, &error))
        ::_exit(1);
    for (quint64 seq = 0;;) {
        for (int i = 0; i < kKillBatch; ++i, ++seq) {
            if (!writer.addBody(seq, bodyFor(seq)))
                ::_exit(4);
            writer.addHead(kHeadType, headFor(seq));
        }
        if (!writer.flush(&error))
            ::_exit(5);
        QByteArray count(sizeof(quint64), Qt::Uninitialized);
        qToLittleEndian(quint64(writer.stats().framesDurable), count.data());
        writeToPipe(out, count);
    }
}

pid_t forkChild(const std::function<void(int)> &child, int *readEnd)
{
    int fds[2] = {-1, -1};
    if (::pipe(fds) != 0)
        return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        child(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    *readEnd = fds[0];
    return pid;
}

} // namespace

class TstStoreLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crcCheckValue();
    void crcHardwareMatchesTable();
    void recordFileRoundTrip();
    void recordFileRefusesForeignFiles();
    void tornTailEveryCut();
    void tornTailBitFlips();
    void damageBeforeTheTailCutsThere();
    void appendFailureCutsBack();
    void writerDiskFullTurnsBodiesOff();
    void writerHeadsFailureStalls();
    void realEfbigKeepsCapturing();
    void sigkillLosesOnlyUnsynced();
    void pendingBodyThenWritten();
    void damagedBodyNeverMisread();
    void stopIsIdempotent();
    void restartAppendsToExistingSegment();
    void queueBoundDropsBodies();
    void headsReaderGivesWhatScanGives();

private:
    // A file of kTornFrames frames of different sizes; its bytes and frame offsets.
    void makeFramesFile(const QString &path, QByteArray *bytes, std::vector<qint64> *offsets);
    // The file at \a path was damaged in frame \a wholeFrames (or cut to \a fileSize bytes):
    // open + scan keep the frames before it, cut there, and an append reads back.
    void checkCutAt(const QString &path, const std::vector<qint64> &offsets, int wholeFrames,
                    qint64 fileSize);
};

void TstStoreLog::crcCheckValue()
{
    const QByteArray check = "123456789";
    QCOMPARE(crc32c(check.constData(), std::size_t(check.size())), kCrcCheckValue);
    QCOMPARE(crc32cTable(check.constData(), std::size_t(check.size())), kCrcCheckValue);
    QCOMPARE(crc32cHardware(check.constData(), std::size_t(check.size())), kCrcCheckValue);
    // Continuing from a seed is the CRC of the concatenation.
    const quint32 first = crc32c(check.constData(), 4);
    QCOMPARE(crc32c(check.constData() + 4, 5, first), kCrcCheckValue);
    QCOMPARE(crc32c(nullptr, 0), 0U);
}

void TstStoreLog::crcHardwareMatchesTable()
{
    if (!crc32cHardwareAvailable())
        qInfo("no SSE4.2 on this CPU: the hardware path is the table");
    QRandomGenerator random(15);
    constexpr int kMaxAlign = 8;
    constexpr int kMaxLength = 300;
    QByteArray buffer(kMaxLength + kMaxAlign + 70000, Qt::Uninitialized);
    for (char &c : buffer)
        c = char(random.generate());
    std::vector<int> lengths;
    for (int length = 0; length <= kMaxLength; ++length)
        lengths.push_back(length);
    lengths.insert(lengths.end(), {1023, 4096, 4097, 65535, 70000});
    for (int align = 0; align < kMaxAlign; ++align) {
        for (int length : lengths) {
            const char *data = buffer.constData() + align;
            const auto size = std::size_t(length);
            const quint32 seed = random.generate();
            QCOMPARE(crc32cHardware(data, size, seed), crc32cTable(data, size, seed));
            QCOMPARE(crc32c(data, size), crc32cTable(data, size));
        }
    }
}

void TstStoreLog::recordFileRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("seg-000001.heads"));
    std::vector<RecordFile::Frame> frames;
    for (int i = 0; i < 50; ++i)
        frames.push_back({quint8(i % 5), QByteArray(i * 13, char('a' + i % 26)),
                          i % 3 == 0 ? QByteArray("pre") : QByteArray()});
    frames.push_back({kHeadType, QByteArray(), QByteArray()}); // empty payload
    QString error;
    std::vector<qint64> offsets;
    {
        RecordFile file;
        QVERIFY2(file.open(path, Kind::Heads, kEpoch, Mode::ReadWrite, &error), qPrintable(error));
        QCOMPARE(file.end(), qint64(RecordFile::kFileHeaderSize));
        qint64 expectedEnd = file.end();
        for (const auto &frame : frames) {
            offsets.push_back(expectedEnd);
            expectedEnd += RecordFile::frameSize(frame.prefix.size() + frame.payload.size());
        }
        QVERIFY2(file.append({frames.begin(), frames.begin() + 20}, &error), qPrintable(error));
        QVERIFY2(file.append({frames.begin() + 20, frames.end()}, &error), qPrintable(error));
        QVERIFY2(file.sync(&error), qPrintable(error));
        QCOMPARE(file.end(), expectedEnd);
        for (std::size_t i = 0; i < frames.size(); ++i) {
            QByteArray payload;
            QVERIFY2(
                RecordFile::readFrameAt(file.fd(), offsets[i], frames[i].type, &payload, &error),
                qPrintable(error));
            QCOMPARE(payload, frames[i].prefix + frames[i].payload);
        }
    }
    // Reopened: the same frames, in order, at the same offsets; and appending continues.
    const Scanned scanned = scanFile(path, Kind::Heads, Mode::ReadOnly);
    QVERIFY2(scanned.error.isEmpty(), qPrintable(scanned.error));
    QCOMPARE(scanned.scan.frames, qint64(frames.size()));
    QCOMPARE(scanned.scan.cutBytes, 0);
    QCOMPARE(scanned.offsets, offsets);
    for (std::size_t i = 0; i < frames.size(); ++i)
        QCOMPARE(scanned.payloads[i], frames[i].prefix + frames[i].payload);
    QVERIFY2(appendOne(path, Kind::Heads, "more", &error), qPrintable(error));
    const Scanned again = scanFile(path, Kind::Heads, Mode::ReadOnly);
    QCOMPARE(again.scan.frames, qint64(frames.size()) + 1);
    QCOMPARE(again.payloads.back(), QByteArray("more"));
    // An early stop reads no further and cuts nothing.
    RecordFile file;
    QVERIFY(file.open(path, Kind::Heads, kEpoch, Mode::ReadWrite, &error));
    int visited = 0;
    const auto partial =
        file.scan([&](quint8, QByteArrayView, qint64) { return ++visited < 3; }, &error);
    QCOMPARE(partial.frames, 3);
    QCOMPARE(QFileInfo(path).size(), again.scan.validLength);
    QVERIFY(!file.append({{kHeadType, "x", {}}}, &error)); // end unknown after an early stop
}

void TstStoreLog::recordFileRefusesForeignFiles()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("seg-000001.heads"));
    QString error;
    QVERIFY(appendOne(path, Kind::Heads, "x", &error));
    RecordFile file;
    QVERIFY(!file.open(path, Kind::Bodies, kEpoch, Mode::ReadOnly, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("a heads file, expected a "
                                                                   "bodies file")),
             qPrintable(error));
    QVERIFY(!file.open(path, Kind::Heads, kEpoch + 1, Mode::ReadWrite, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("epoch %1").arg(kEpoch)),
             qPrintable(error));
    QVERIFY(!file.isOpen());

    QByteArray bytes = readAll(path);
    bytes[9] = char(RecordFile::kFormatVersion + 1); // the format version
    const QString newer = dir.filePath(QStringLiteral("newer"));
    writeAll(newer, bytes);
    QVERIFY(!file.open(newer, Kind::Heads, kEpoch, Mode::ReadWrite, &error));
    QVERIFY2(error.contains(newer) && error.contains(QStringLiteral("newer version")),
             qPrintable(error));
    const QString foreign = dir.filePath(QStringLiteral("foreign"));
    writeAll(foreign, "{\"format\":\"corslab-session\"}\n");
    QVERIFY(!file.open(foreign, Kind::Heads, kEpoch, Mode::ReadWrite, &error));
    QVERIFY2(error.contains(foreign) && error.contains(QStringLiteral("not a session store file")),
             qPrintable(error));
    QCOMPARE(readAll(foreign), QByteArray("{\"format\":\"corslab-session\"}\n")); // untouched
    QVERIFY(!file.open(dir.filePath(QStringLiteral("missing")), Kind::Heads, kEpoch, Mode::ReadOnly,
                       &error));
    QVERIFY2(error.contains(QStringLiteral("No such file")), qPrintable(error));
    // Shorter than a header: a crash while creating it. Read-only refuses, writing starts anew.
    const QString stub = dir.filePath(QStringLiteral("stub"));
    writeAll(stub, QByteArray("CLSTO"));
    QVERIFY(!file.open(stub, Kind::Heads, kEpoch, Mode::ReadOnly, &error));
    QVERIFY2(error.contains(QStringLiteral("too short")), qPrintable(error));
    QVERIFY2(file.open(stub, Kind::Heads, kEpoch, Mode::ReadWrite, &error), qPrintable(error));
    QCOMPARE(file.end(), qint64(RecordFile::kFileHeaderSize));
    QVERIFY(file.append({{kHeadType, "x", {}}}, &error));
    file.close();
    QCOMPARE(scanFile(stub, Kind::Heads, Mode::ReadOnly).payloads, std::vector<QByteArray>{"x"});
}

void TstStoreLog::makeFramesFile(const QString &path, QByteArray *bytes,
                                 std::vector<qint64> *offsets)
{
    QFile::remove(path);
    RecordFile file;
    QString error;
    QVERIFY(file.open(path, Kind::Heads, kEpoch, Mode::ReadWrite, &error));
    std::vector<RecordFile::Frame> frames;
    qint64 at = file.end();
    for (int i = 0; i < kTornFrames; ++i) {
        frames.push_back({kHeadType, headFor(quint64(i)).repeated(1 + i % 3), {}});
        offsets->push_back(at);
        at += RecordFile::frameSize(frames.back().payload.size());
    }
    QVERIFY(file.append(frames, &error));
    *bytes = readAll(path);
}

void TstStoreLog::checkCutAt(const QString &path, const std::vector<qint64> &offsets,
                             int wholeFrames, qint64 fileSize)
{
    const qint64 validLength =
        wholeFrames < kTornFrames ? offsets[std::size_t(wholeFrames)] : fileSize;
    const Scanned scanned = scanFile(path, Kind::Heads, Mode::ReadWrite);
    QVERIFY2(scanned.error.isEmpty(), qPrintable(scanned.error));
    QCOMPARE(scanned.scan.frames, wholeFrames);
    QCOMPARE(scanned.scan.validLength, validLength);
    QCOMPARE(scanned.scan.cutBytes, fileSize - validLength);
    QCOMPARE(QFileInfo(path).size(), validLength);
    for (int i = 0; i < wholeFrames; ++i)
        QCOMPARE(scanned.payloads[std::size_t(i)], headFor(quint64(i)).repeated(1 + i % 3));
    QString error;
    QVERIFY2(appendOne(path, Kind::Heads, "after the cut", &error), qPrintable(error));
    const Scanned again = scanFile(path, Kind::Heads, Mode::ReadOnly);
    QCOMPARE(again.scan.frames, wholeFrames + 1);
    QCOMPARE(again.scan.cutBytes, 0);
    QCOMPARE(again.payloads.back(), QByteArray("after the cut"));
}

void TstStoreLog::tornTailEveryCut()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("torn.heads"));
    QByteArray whole;
    std::vector<qint64> offsets;
    makeFramesFile(path, &whole, &offsets);
    constexpr int kTailFrames = 3;
    // Where frame i ends: the next one's offset, or the end of the file.
    auto frameEnd = [&](int i) {
        return i + 1 == kTornFrames ? qint64(whole.size()) : offsets[std::size_t(i) + 1];
    };
    const qint64 from = offsets[kTornFrames - kTailFrames];
    for (qint64 cut = from; cut < whole.size(); ++cut) {
        writeAll(path, whole.left(cut));
        int wholeFrames = 0;
        while (wholeFrames < kTornFrames && frameEnd(wholeFrames) <= cut)
            ++wholeFrames;
        checkCutAt(path, offsets, wholeFrames, cut);
        if (QTest::currentTestFailed()) {
            qWarning("after a cut at byte %lld", cut);
            return;
        }
    }
}

void TstStoreLog::tornTailBitFlips()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("flipped.heads"));
    QByteArray whole;
    std::vector<qint64> offsets;
    makeFramesFile(path, &whole, &offsets);
    const qint64 last = offsets.back();
    for (qint64 at = last; at < whole.size(); ++at) {
        QByteArray damaged = whole;
        damaged[at] = char(damaged[at] ^ (1 << (at % 8)));
        writeAll(path, damaged);
        checkCutAt(path, offsets, kTornFrames - 1, whole.size());
        if (QTest::currentTestFailed()) {
            qWarning("after a bit flip at byte %lld", at);
            return;
        }
    }
    // A huge length is damage, never a reason to read on.
    for (const quint32 length : {0xFFFFFFFFU, quint32(RecordFile::kMaxPayload + 1)}) {
        QByteArray damaged = whole;
        qToLittleEndian(length, damaged.data() + last);
        writeAll(path, damaged);
        checkCutAt(path, offsets, kTornFrames - 1, whole.size());
    }
}

void TstStoreLog::damageBeforeTheTailCutsThere()
{
    // Nothing after a bad frame is read, even whole frames: append-only damage is at the end.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("middle.heads"));
    QByteArray whole;
    std::vector<qint64> offsets;
    makeFramesFile(path, &whole, &offsets);
    constexpr int kDamaged = 2;
    whole[offsets[kDamaged] + RecordFile::kFrameHeaderSize] ^= 0x40;
    writeAll(path, whole);
    checkCutAt(path, offsets, kDamaged, whole.size());
}

void TstStoreLog::appendFailureCutsBack()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("full.bodies"));
    RecordFile file;
    QString error;
    QVERIFY(file.open(path, Kind::Bodies, kEpoch, Mode::ReadWrite, &error));
    QVERIFY(file.append({{1, "first", {}}, {1, "second", {}}}, &error));
    const qint64 end = file.end();
    file.setFailAfterBytes(30); // the next frame is torn after 30 bytes
    int err = 0;
    QVERIFY(!file.append({{1, QByteArray(100, 'x'), {}}}, &error, &err));
    QCOMPARE(err, ENOSPC);
    QCOMPARE(error, QStringLiteral("session store %1: No space left on device").arg(path));
    QCOMPARE(file.end(), end);
    QCOMPARE(QFileInfo(path).size(), end); // cut back: no torn frame left
    QVERIFY(!file.isSealed());
    QByteArray payload;
    QVERIFY(RecordFile::readFrameAt(file.fd(), RecordFile::kFileHeaderSize, 1, &payload, &error));
    QCOMPARE(payload, QByteArray("first"));
    QVERIFY(!file.append({{1, "still full", {}}}, &error, &err)); // the hook has no bytes left
    file.setFailAfterBytes(-1);
    QVERIFY(file.append({{1, "third", {}}}, &error));
    file.seal();
    QVERIFY(!file.append({{1, "sealed", {}}}, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    const Scanned scanned = scanFile(path, Kind::Bodies, Mode::ReadOnly);
    QCOMPARE(scanned.payloads, (std::vector<QByteArray>{"first", "second", "third"}));
    QCOMPARE(scanned.scan.cutBytes, 0);
}

void TstStoreLog::writerDiskFullTurnsBodiesOff()
{
    QTemporaryDir dir;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    options.retryMs = 20;
    constexpr int kBody = 1000;
    const qint64 frame = RecordFile::frameSize(StoreWriter::kSeqBytes + kBody);
    options.failAfterBytes = 2 * frame + frame / 2; // the third body is torn
    Warnings warnings;                              // outlives the writer, whose thread calls it
    StoreWriter writer(options);
    writer.setNoticeHandler(warnings.handler());
    QString error;
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    BodyReader reader(dir.path(), kEpoch, &writer);
    std::vector<BodyLocation> kept;
    for (quint64 seq = 0; seq < 2; ++seq) {
        const auto location = writer.addBody(seq, QByteArray(kBody, char('a' + seq)));
        QVERIFY(location);
        kept.push_back(*location);
        writer.addHead(kHeadType, headFor(seq));
        QVERIFY2(writer.flush(&error), qPrintable(error));
    }
    QVERIFY(writer.addBody(2, QByteArray(kBody, 'c')));
    writer.addHead(kHeadType, headFor(2));
    QVERIFY(!writer.flush(&error));
    QVERIFY2(error.contains(QStringLiteral("No space left on device")), qPrintable(error));
    QCOMPARE(writer.state(), StoreWriter::State::BodiesOff);
    StoreWriter::Stats stats = writer.stats();
    QCOMPARE(stats.bodiesDropped, 1);
    QCOMPARE(stats.bytesDropped, kBody);
    QVERIFY(stats.lastError.contains(segmentPath(dir, 1, Kind::Bodies)));
    QVERIFY2(warnings.all().contains(QStringLiteral("Disk full: bodies are no longer kept (1 so "
                                                    "far). Free space or lower the retention "
                                                    "limit.")),
             qPrintable(warnings.all()));
    QCOMPARE(QFileInfo(segmentPath(dir, 1, Kind::Bodies)).size(),
             RecordFile::kFileHeaderSize + 2 * frame);
    // Capture goes on: bodies refused and counted, heads written.
    QVERIFY(!writer.addBody(3, "refused"));
    writer.addHead(kHeadType, headFor(3));
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QCOMPARE(writer.stats().bodiesDropped, 2);
    for (quint64 seq = 0; seq < 2; ++seq) {
        QByteArray body;
        QVERIFY2(reader.read(kept[seq], reader.generation(), seq, &body, &error),
                 qPrintable(error));
        QCOMPARE(body, QByteArray(kBody, char('a' + seq)));
    }
    // After retryMs the writer asks for a new segment, which works.
    QTRY_VERIFY(writer.wantsNewSegment());
    writer.startSegment(2);
    QVERIFY(!writer.wantsNewSegment());
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QCOMPARE(writer.state(), StoreWriter::State::Writing);
    QVERIFY(writer.stats().lastError.isEmpty());
    QVERIFY2(warnings.all().contains(QStringLiteral("writes again (segment 2)")),
             qPrintable(warnings.all()));
    // Only that one is news of recovery: the failure before it is a problem.
    QCOMPARE(warnings.allResumed(),
             QStringList{QStringLiteral("The session store writes again (segment 2).")});
    const auto location = writer.addBody(4, "kept again");
    QVERIFY(location);
    QCOMPARE(*location, (BodyLocation{2, quint64(RecordFile::kFileHeaderSize)}));
    writer.addHead(kHeadType, headFor(4));
    QVERIFY2(writer.flush(&error), qPrintable(error));
    writer.stop();
    QByteArray body;
    QVERIFY2(reader.read(*location, reader.generation(), 4, &body, &error), qPrintable(error));
    QCOMPARE(body, QByteArray("kept again"));
    QCOMPARE(scanFile(segmentPath(dir, 1, Kind::Heads), Kind::Heads, Mode::ReadOnly).scan.frames,
             4);
    QCOMPARE(scanFile(segmentPath(dir, 2, Kind::Heads), Kind::Heads, Mode::ReadOnly).scan.frames,
             1);
    QCOMPARE(writer.stats().framesDurable, 5);
}

void TstStoreLog::writerHeadsFailureStalls()
{
    QTemporaryDir dir;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    options.retryMs = 20;
    options.failHeadsAfterBytes = RecordFile::frameSize(headFor(0).size()) + 4;
    Warnings warnings; // outlives the writer, whose thread calls it
    StoreWriter writer(options);
    writer.setNoticeHandler(warnings.handler());
    QString error;
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    writer.addHead(kHeadType, headFor(0));
    QVERIFY2(writer.flush(&error), qPrintable(error));
    writer.addHead(kHeadType, headFor(1));
    writer.addHead(kHeadType, headFor(2));
    QVERIFY(!writer.flush(&error));
    QCOMPARE(writer.state(), StoreWriter::State::Stalled);
    QCOMPARE(writer.stats().headsLost, 2);
    QVERIFY(!writer.addBody(3, "not kept while stalled"));
    writer.addHead(kHeadType, headFor(3));
    QVERIFY(!writer.flush(&error));
    QCOMPARE(writer.stats().headsLost, 3);
    QVERIFY2(warnings.all().contains(QStringLiteral("Disk full: the capture is no longer saved")),
             qPrintable(warnings.all()));
    QTRY_VERIFY(writer.wantsNewSegment());
    writer.startSegment(2);
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QCOMPARE(writer.state(), StoreWriter::State::Writing);
    writer.addHead(kHeadType, headFor(4));
    QVERIFY2(writer.flush(&error), qPrintable(error));
    writer.stop();
    const Scanned first = scanFile(segmentPath(dir, 1, Kind::Heads), Kind::Heads, Mode::ReadOnly);
    QCOMPARE(first.payloads, std::vector<QByteArray>{headFor(0)});
    QCOMPARE(first.scan.cutBytes, 0);
    const Scanned second = scanFile(segmentPath(dir, 2, Kind::Heads), Kind::Heads, Mode::ReadOnly);
    QCOMPARE(second.payloads, std::vector<QByteArray>{headFor(4)});
}

void TstStoreLog::realEfbigKeepsCapturing()
{
    QTemporaryDir dir;
    int readEnd = -1;
    const QString directory = dir.path();
    const pid_t pid = forkChild([&](int out) { efbigChild(directory, out); }, &readEnd);
    QVERIFY(pid > 0);
    const QByteArray report = readPipe(readEnd);
    ::close(readEnd);
    int status = 0;
    QCOMPARE(::waitpid(pid, &status, 0), pid);
    QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, report.constData());

    qint64 bodiesDropped = -1;
    qint64 headsLost = -1;
    quint32 segments = 0;
    std::vector<std::pair<quint64, BodyLocation>> bodies;
    for (const QByteArray &line : report.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.value(0) == "body")
            bodies.push_back({f[1].toULongLong(), {f[2].toUInt(), f[3].toULongLong()}});
        else if (f.value(0) == "stats") {
            bodiesDropped = f[1].toLongLong();
            headsLost = f[2].toLongLong();
            segments = f[3].toUInt();
        }
    }
    QVERIFY2(bodiesDropped > 0, report.constData()); // bodies hit the limit...
    QCOMPARE(headsLost, 0);                          // ...and the capture went on
    QVERIFY2(segments > 1, report.constData());      // in new segments
    // Every file: whole, valid frames only, each one what was written.
    quint64 nextHead = 0;
    qint64 bodyFrames = 0;
    for (quint32 segment = 1; segment <= segments; ++segment) {
        const Scanned heads =
            scanFile(segmentPath(dir, segment, Kind::Heads), Kind::Heads, Mode::ReadOnly);
        QVERIFY2(heads.error.isEmpty(), qPrintable(heads.error));
        QCOMPARE(heads.scan.cutBytes, 0);
        for (const QByteArray &payload : heads.payloads)
            QCOMPARE(payload, headFor(nextHead++));
        const QString bodiesPath = segmentPath(dir, segment, Kind::Bodies);
        QVERIFY(QFileInfo(bodiesPath).size() <= kEfbigLimit);
        const Scanned stored = scanFile(bodiesPath, Kind::Bodies, Mode::ReadOnly);
        QVERIFY2(stored.error.isEmpty(), qPrintable(stored.error));
        QCOMPARE(stored.scan.cutBytes, 0);
        for (const QByteArray &payload : stored.payloads) {
            const auto seq = qFromLittleEndian<quint64>(payload.constData());
            QCOMPARE(payload.mid(StoreWriter::kSeqBytes), bodyFor(seq) + bodyFor(seq + 1));
            ++bodyFrames;
        }
    }
    QCOMPARE(nextHead, quint64(kEfbigExchanges));
    QVERIFY(bodyFrames > 0);
    // Every location handed out reads back right, or reads as not kept; never wrong bytes.
    BodyReader reader(dir.path(), kEpoch);
    qint64 readable = 0;
    for (const auto &[seq, location] : bodies) {
        QByteArray body;
        QString error;
        if (reader.read(location, reader.generation(), seq, &body, &error)) {
            QCOMPARE(body, bodyFor(seq) + bodyFor(seq + 1));
            ++readable;
        } else {
            QVERIFY2(body.isEmpty() && error.contains(QStringLiteral("unreadable")),
                     qPrintable(error));
        }
    }
    QCOMPARE(readable, bodyFrames);
}

void TstStoreLog::sigkillLosesOnlyUnsynced()
{
    for (int round = 0; round < kKillRounds; ++round) {
        QTemporaryDir dir;
        const QString directory = dir.path();
        int readEnd = -1;
        const pid_t pid = forkChild([&](int out) { killChild(directory, out); }, &readEnd);
        QVERIFY(pid > 0);
        // Kill after 1, 4, 7, 10 reports: different points of the loop.
        const int reports = 1 + 3 * round;
        quint64 durable = 0;
        bool allRead = true;
        for (int i = 0; i < reports && allRead; ++i) {
            char count[sizeof(quint64)];
            qsizetype got = 0;
            while (got < qsizetype(sizeof count)) {
                const ssize_t n = ::read(readEnd, count + got, sizeof count - std::size_t(got));
                if (n <= 0) {
                    allRead = false;
                    break;
                }
                got += n;
            }
            if (allRead)
                durable = qFromLittleEndian<quint64>(count);
        }
        ::kill(pid, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(pid, &status, 0), pid);
        ::close(readEnd);
        QVERIFY2(allRead, "the child stopped reporting");
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QVERIFY(durable >= quint64(kKillBatch));

        const Scanned heads =
            scanFile(segmentPath(dir, 1, Kind::Heads), Kind::Heads, Mode::ReadWrite);
        QVERIFY2(heads.error.isEmpty(), qPrintable(heads.error));
        QVERIFY2(quint64(heads.scan.frames) >= durable,
                 qPrintable(QStringLiteral("%1 heads after the kill, %2 were durable")
                                .arg(heads.scan.frames)
                                .arg(durable)));
        for (std::size_t i = 0; i < heads.payloads.size(); ++i)
            QCOMPARE(heads.payloads[i], headFor(i));
        const Scanned bodies =
            scanFile(segmentPath(dir, 1, Kind::Bodies), Kind::Bodies, Mode::ReadWrite);
        QVERIFY2(bodies.error.isEmpty(), qPrintable(bodies.error));
        QVERIFY(quint64(bodies.scan.frames) >= durable); // bodies are synced before heads
        BodyReader reader(dir.path(), kEpoch);
        for (std::size_t i = 0; i < bodies.payloads.size(); ++i) {
            QCOMPARE(qFromLittleEndian<quint64>(bodies.payloads[i].constData()), quint64(i));
            QByteArray body;
            QString error;
            QVERIFY2(
                reader.read({1, quint64(bodies.offsets[i])}, reader.generation(), i, &body, &error),
                qPrintable(error));
            QCOMPARE(body, bodyFor(i));
        }
    }
}

void TstStoreLog::pendingBodyThenWritten()
{
    QTemporaryDir dir;
    QSemaphore gate;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    options.beforeBatch = [&gate] { gate.acquire(); }; // the writer waits for the test
    StoreWriter writer(options);
    const auto open = qScopeGuard([&gate] { gate.release(kOpenGate); }); // even on a failure
    QString error;
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    BodyReader reader(dir.path(), kEpoch, &writer);
    const QByteArray bytes = bodyFor(41);
    const auto location = writer.addBody(41, bytes);
    QVERIFY(location);
    QCOMPARE(*location, (BodyLocation{1, quint64(RecordFile::kFileHeaderSize)}));
    const auto empty = writer.addBody(42, QByteArray());
    QVERIFY(empty);
    QCOMPARE(empty->offset, location->offset + quint64(RecordFile::frameSize(8 + bytes.size())));
    QCOMPARE(writer.segmentBodyBytes(), qint64(empty->offset) + RecordFile::frameSize(8));
    writer.addHead(kHeadType, headFor(41));
    // Not written yet: from the queue.
    quint64 seq = 0;
    QCOMPARE(writer.pendingBody(*location, &seq), std::optional<QByteArray>(bytes));
    QCOMPARE(seq, 41U);
    QByteArray body;
    QVERIFY2(reader.read(*location, reader.generation(), 41, &body, &error), qPrintable(error));
    QCOMPARE(body, bytes);
    QVERIFY(
        !reader.read(*location, reader.generation(), 40, &body, &error)); // another exchange's body
    QVERIFY2(error.contains(QStringLiteral("exchange 41's")), qPrintable(error));
    QVERIFY(body.isEmpty());
    QVERIFY(writer.stats().queuedBytes > 0);
    // Written: from the file.
    gate.release(kOpenGate);
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QCOMPARE(writer.pendingBody(*location), std::nullopt);
    QVERIFY2(reader.read(*location, reader.generation(), 41, &body, &error), qPrintable(error));
    QCOMPARE(body, bytes);
    QVERIFY2(reader.read(*empty, reader.generation(), 42, &body, &error), qPrintable(error));
    QVERIFY(body.isEmpty());
    const StoreWriter::Stats stats = writer.stats();
    QCOMPARE(stats.queuedBytes, 0);
    QCOMPARE(stats.bodiesWritten,
             RecordFile::frameSize(8 + bytes.size()) + RecordFile::frameSize(8));
    QCOMPARE(stats.headsWritten, RecordFile::frameSize(headFor(41).size()));
    QCOMPARE(stats.framesDurable, 1);
    writer.stop();
}

void TstStoreLog::damagedBodyNeverMisread()
{
    QTemporaryDir dir;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    StoreWriter writer(options);
    QString error;
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    std::vector<BodyLocation> locations;
    constexpr quint64 kBodies = 5;
    for (quint64 seq = 1; seq <= kBodies; ++seq)
        locations.push_back(*writer.addBody(seq, bodyFor(seq)));
    writer.stop();
    BodyReader reader(dir.path(), kEpoch, &writer);
    QByteArray body;
    for (quint64 seq = 1; seq <= kBodies; ++seq) {
        QVERIFY2(reader.read(locations[seq - 1], reader.generation(), seq, &body, &error),
                 qPrintable(error));
        QCOMPARE(body, bodyFor(seq));
    }
    // One byte of body 2 changes on disk (the reader's file stays open).
    QFile file(segmentPath(dir, 1, Kind::Bodies));
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 at = qint64(locations[1].offset) + RecordFile::kFrameHeaderSize + 8 + 3;
    QVERIFY(file.seek(at));
    char byte = 0;
    QVERIFY(file.getChar(&byte));
    QVERIFY(file.seek(at));
    QVERIFY(file.putChar(char(byte ^ 1)));
    file.close();
    QVERIFY(!reader.read(locations[1], reader.generation(), 2, &body, &error));
    QVERIFY(body.isEmpty());
    QVERIFY2(
        error.startsWith(QStringLiteral("body of exchange 2 unreadable: seg-000001.bodies: ")) &&
            error.contains(QStringLiteral("checksum")),
        qPrintable(error));
    QVERIFY(reader.read(locations[2], reader.generation(), 3, &body, &error));
    QCOMPARE(body, bodyFor(3));
    // Wrong places: inside a frame, past the end, another seq, a missing segment.
    QVERIFY(!reader.read({1, locations[2].offset + 1}, reader.generation(), 3, &body, &error));
    QVERIFY(body.isEmpty());
    QVERIFY(
        !reader.read({1, locations[4].offset + 1000000}, reader.generation(), 5, &body, &error));
    QVERIFY2(error.contains(QStringLiteral("past the end")), qPrintable(error));
    QVERIFY(!reader.read(locations[3], reader.generation(), 5, &body, &error));
    QVERIFY(!reader.read({9, locations[0].offset}, reader.generation(), 1, &body, &error));
    QVERIFY2(error.contains(QStringLiteral("seg-000009.bodies")), qPrintable(error));
    reader.closeSegment(1);
    reader.closeAll();
    QVERIFY(reader.read(locations[4], reader.generation(), 5, &body, &error)); // reopens
    QCOMPARE(body, bodyFor(5));
    // After a reset (a Clear: the new epoch reuses seqs and places), a location looked up
    // before is refused, even where the same bytes are still there.
    const quint64 before = reader.generation();
    reader.reset(kEpoch, &writer);
    QVERIFY(reader.generation() != before);
    QVERIFY(!reader.read(locations[4], before, 5, &body, &error));
    QVERIFY2(error.contains(QStringLiteral("cleared")), qPrintable(error));
    QVERIFY(body.isEmpty());
    QVERIFY2(reader.read(locations[4], reader.generation(), 5, &body, &error), qPrintable(error));
}

void TstStoreLog::stopIsIdempotent()
{
    QTemporaryDir dir;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    {
        StoreWriter never(options);
        never.stop(); // never started
    }
    StoreWriter writer(options);
    QString error;
    QVERIFY2(writer.start(3, &error), qPrintable(error));
    QCOMPARE(writer.segment(), 3U);
    for (quint64 seq = 0; seq < 100; ++seq) {
        QVERIFY(writer.addBody(seq, bodyFor(seq)));
        writer.addHead(kHeadType, headFor(seq));
    }
    writer.stop(); // drains and syncs
    writer.stop();
    const StoreWriter::Stats stats = writer.stats();
    QCOMPARE(stats.queuedBytes, 0);
    QCOMPARE(stats.framesDurable, 100);
    QCOMPARE(stats.bodiesDropped, 0);
    QCOMPARE(stats.bodiesWritten + RecordFile::kFileHeaderSize,
             QFileInfo(segmentPath(dir, 3, Kind::Bodies)).size());
    QVERIFY(!writer.addBody(100, "late"));
    writer.addHead(kHeadType, "late");
    QCOMPARE(writer.stats().headsLost, 1);
    QVERIFY(!writer.flush(&error));
    QCOMPARE(scanFile(segmentPath(dir, 3, Kind::Heads), Kind::Heads, Mode::ReadOnly).scan.frames,
             100);
}

void TstStoreLog::restartAppendsToExistingSegment()
{
    QTemporaryDir dir;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    std::vector<BodyLocation> locations;
    QString error;
    {
        StoreWriter first(options);
        QVERIFY2(first.start(1, &error), qPrintable(error));
        for (quint64 seq = 0; seq < 3; ++seq)
            locations.push_back(*first.addBody(seq, bodyFor(seq)));
    }
    const QString bodiesPath = segmentPath(dir, 1, Kind::Bodies);
    const qint64 validLength = QFileInfo(bodiesPath).size();
    {
        QFile file(bodiesPath); // a torn frame, as a crash leaves it
        QVERIFY(file.open(QIODevice::Append));
        file.write(QByteArray(20, 'z'));
    }
    StoreWriter writer(options);
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    QCOMPARE(writer.segmentBodyBytes(), validLength);
    const auto location = writer.addBody(3, bodyFor(3));
    QVERIFY(location);
    QCOMPARE(location->offset, quint64(validLength));
    locations.push_back(*location);
    // A segment that already holds bodies is not appended to after startSegment().
    writer.startSegment(1);
    QVERIFY(!writer.flush(&error));
    QVERIFY2(error.contains(QStringLiteral("already holds bodies")), qPrintable(error));
    QCOMPARE(writer.state(), StoreWriter::State::BodiesOff);
    writer.stop();
    BodyReader reader(dir.path(), kEpoch);
    for (quint64 seq = 0; seq < 4; ++seq) {
        QByteArray body;
        QVERIFY2(reader.read(locations[seq], reader.generation(), seq, &body, &error),
                 qPrintable(error));
        QCOMPARE(body, bodyFor(seq));
    }
}

void TstStoreLog::queueBoundDropsBodies()
{
    QTemporaryDir dir;
    QSemaphore gate;
    StoreWriter::Options options;
    options.directory = dir.path();
    options.epoch = kEpoch;
    constexpr int kBody = 600;
    options.queueBytes = 1000; // room for two bodies
    options.beforeBatch = [&gate] { gate.acquire(); };
    StoreWriter writer(options);
    const auto open = qScopeGuard([&gate] { gate.release(kOpenGate); }); // even on a failure
    QString error;
    QVERIFY2(writer.start(1, &error), qPrintable(error));
    int kept = 0;
    for (quint64 seq = 0; seq < 10; ++seq) {
        kept += writer.addBody(seq, QByteArray(kBody, 'b')) ? 1 : 0;
        writer.addHead(kHeadType, headFor(seq)); // heads are always queued
    }
    QCOMPARE(kept, 2);
    StoreWriter::Stats stats = writer.stats();
    QCOMPARE(stats.bodiesDropped, 8);
    QCOMPARE(stats.bytesDropped, 8 * kBody);
    gate.release(kOpenGate);
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QVERIFY(writer.addBody(10, QByteArray(kBody, 'b'))); // room again
    writer.stop();
    QCOMPARE(scanFile(segmentPath(dir, 1, Kind::Heads), Kind::Heads, Mode::ReadOnly).scan.frames,
             10);
    QCOMPARE(scanFile(segmentPath(dir, 1, Kind::Bodies), Kind::Bodies, Mode::ReadOnly).scan.frames,
             3);
}

// The replay's read-ahead: batches far smaller than a file split each one many times; every
// frame comes once, in order, with its payload and offset, as scan() gives them; a torn tail is
// told and cut (opened for writing); a foreign file ends the reading with an error; a reader
// dropped with batches waiting stops its thread.
void TstStoreLog::headsReaderGivesWhatScanGives()
{
    QTemporaryDir dir;
    const QString whole = dir.filePath(QStringLiteral("seg-000001.heads"));
    const QString torn = dir.filePath(QStringLiteral("seg-000002.heads"));
    const QString foreign = dir.filePath(QStringLiteral("seg-000003.heads"));
    QByteArray bytes;
    std::vector<qint64> offsets;
    makeFramesFile(whole, &bytes, &offsets);
    offsets.clear();
    makeFramesFile(torn, &bytes, &offsets);
    writeAll(torn, bytes.left(bytes.size() - 3));
    writeAll(foreign, "this is not a CORS Lab store file at all");
    const Scanned expected[] = {scanFile(whole, Kind::Heads, Mode::ReadOnly),
                                scanFile(torn, Kind::Heads, Mode::ReadOnly)};
    QVERIFY(expected[1].scan.cutBytes > 0);

    constexpr qsizetype kTinyBatch = 64;
    Scanned got[2];
    QString foreignError;
    int batches = 0;
    {
        HeadsReader reader({whole, torn, foreign}, kEpoch, Mode::ReadWrite, kTinyBatch);
        HeadsReader::Batch batch;
        while (reader.next(&batch)) {
            ++batches;
            if (batch.file == 2) {
                QVERIFY(batch.last && batch.frames.empty());
                foreignError = batch.error;
                continue;
            }
            QVERIFY2(batch.error.isEmpty(), qPrintable(batch.error));
            Scanned &into = got[batch.file];
            for (const HeadsReader::Batch::Frame &frame : batch.frames) {
                QCOMPARE(frame.type, kHeadType);
                into.payloads.push_back(batch.payload(frame).toByteArray());
                into.offsets.push_back(frame.fileOffset);
            }
            if (batch.last)
                into.scan = batch.scan;
        }
    }
    QVERIFY(batches > 2 * 3);
    for (int file = 0; file < 2; ++file) {
        QVERIFY(got[file].payloads == expected[file].payloads);
        QVERIFY(got[file].offsets == expected[file].offsets);
        QCOMPARE(got[file].scan.frames, expected[file].scan.frames);
        QCOMPARE(got[file].scan.cutBytes, expected[file].scan.cutBytes);
    }
    QCOMPARE(QFileInfo(torn).size(), got[1].scan.validLength); // cut: opened for writing
    QVERIFY(!foreignError.isEmpty());

    HeadsReader early({whole, torn}, kEpoch, Mode::ReadOnly, 1);
    HeadsReader::Batch first;
    QVERIFY(early.next(&first));
    QCOMPARE(first.frames.size(), size_t(1));
}

QTEST_GUILESS_MAIN(TstStoreLog)
#include "tst_store_log.moc"
