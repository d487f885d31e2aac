#pragma once

#include <QObject>

class QSocketNotifier;

/// \brief Turns SIGINT and SIGTERM into a Qt signal, delivered in the event loop (a signal handler
/// may only write to a pipe; everything else happens here, safely).
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};
