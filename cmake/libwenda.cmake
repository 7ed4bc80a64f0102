# libwenda: the embeddable C API (include/wenda/*.h: segmenter, corpus
# readers, index writer, search, coverage) as one shared and one static
# library, made from the objects of the module libraries, plus a relocatable
# pkg-config file. `cmake --install BUILD [--prefix DIR]` puts the headers,
# both libraries, wenda.pc and the `wenda` binary in place.
include(GNUInstallDirs)

set(WD_LIB_PARTS wd_query wd_indexer wd_corpus wd_dict wd_xapian wd_common)
set(WD_LIB_OBJECTS)
foreach(t ${WD_LIB_PARTS})
  list(APPEND WD_LIB_OBJECTS $<TARGET_OBJECTS:${t}>)
endforeach()
set(WD_LIB_DEPS PkgConfig::XAPIAN PkgConfig::ICU PkgConfig::JANSSON Threads::Threads m)

add_library(wenda_shared SHARED ${WD_LIB_OBJECTS})
add_library(wenda_static STATIC ${WD_LIB_OBJECTS})
add_dependencies(wenda_shared ${WD_LIB_PARTS})
add_dependencies(wenda_static ${WD_LIB_PARTS})
target_link_libraries(wenda_shared PRIVATE ${WD_LIB_DEPS})
target_include_directories(wenda_shared PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_include_directories(wenda_static PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# Only the wd_* API is exported from the shared library; the Xapian shim
# and everything else stays inside.
set(WD_LIB_MAP ${CMAKE_CURRENT_BINARY_DIR}/libwenda.map)
file(WRITE ${WD_LIB_MAP} "{ global: wd_*; local: *; };\n")
set_target_properties(wenda_shared PROPERTIES
  OUTPUT_NAME wenda VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINKER_LANGUAGE CXX LINK_DEPENDS ${WD_LIB_MAP})
target_link_options(wenda_shared PRIVATE "LINKER:--version-script=${WD_LIB_MAP}"
                    "LINKER:--no-undefined")
set_target_properties(wenda_static PROPERTIES OUTPUT_NAME wenda LINKER_LANGUAGE CXX)

# wenda.pc, relocatable: paths are relative to where the file is installed.
set(WD_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH WD_PC_UP /root/${WD_PC_DIR} /root)
configure_file(${CMAKE_CURRENT_LIST_DIR}/wenda.pc.in ${CMAKE_CURRENT_BINARY_DIR}/wenda.pc @ONLY)

install(TARGETS wenda_shared wenda_static
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/wenda DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wenda.pc DESTINATION ${WD_PC_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/tools/examples/ask.c ${PROJECT_SOURCE_DIR}/tools/examples/Makefile
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
