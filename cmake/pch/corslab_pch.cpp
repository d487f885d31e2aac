// The translation unit that compiles corslab_pch.h into the shared precompiled header
// (CORSLAB_PCH, see the root CMakeLists.txt); it has no code of its own.
