// The shared precompiled header of a -DCORSLAB_PCH=ON build (see the root CMakeLists.txt).
// Measured per translation unit (g++ 12, -O2 -g): a dozen of the most included Qt headers saved
// as much on a core source as all of QtCore, but every test includes <QtTest>, which includes all
// of QtCore; with QtCore whole, a test parses in a third of the time at the cost of ~0.3 s of
// loading for a core source. QtNetwork: the classes our servers and clients use, not all of it.
// No QtTest, QtGui or QtWidgets: their headers depend on macros that differ between targets.
#include <QHostAddress>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtCore>
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
