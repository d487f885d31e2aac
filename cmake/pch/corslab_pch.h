// The shared precompiled header of a -DCORSLAB_PCH=ON build (see the root CMakeLists.txt).
// Measured per translation unit (g++ 12, -O2 -g): a dozen of the most included Qt headers saved
// as much on a core source as all of QtCore, but every test includes <QtTest>, which includes all
// of QtCore; with QtCore whole, a test parses in a third of the time at the cost of ~0.3 s of
// loading for a core source. QtCore only: GCC refuses a .gch built with QT_NETWORK_LIB in a target
// without it (core/base, core/config link Qt6::Core alone), and QtNetwork's socket headers add
// little. No QtTest, QtGui or QtWidgets: their headers test macros that differ between targets.
#include <QtCore>
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
