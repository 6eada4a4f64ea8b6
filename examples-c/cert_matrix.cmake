# The certificate fixture matrix from C, included at the end of CMakeLists.txt (it uses the
# imported `csmail` target, add_csmail_program and BASH_EXECUTABLE set up there).
#
#   cert_fixtures_start  (FIXTURES_SETUP cert_fixtures) cert-fixture.sh start CERT_FIXTURE_DIR:
#                        builds and starts examples/cert_fixtures.rs, which serves every
#                        fixture of tests/fixtures and writes CERT_FIXTURE_DIR/manifest.txt
#   cert_matrix          runs every fixture x policy x transport case of the manifest through
#                        the C API (examples-c/cert_matrix.c)
#   cert_fixtures_stop   (FIXTURES_CLEANUP cert_fixtures) stops it
#
# `ctest -R cert_matrix` runs the three; `cert_matrix DIR FILTER` by hand runs a subset.

add_csmail_program(cert_matrix ${CMAKE_CURRENT_LIST_DIR}/cert_matrix.c)

if(NOT BASH_EXECUTABLE)
  find_program(BASH_EXECUTABLE bash)
  if(NOT BASH_EXECUTABLE)
    message(FATAL_ERROR "bash is needed to run the cert_matrix test (cert-fixture.sh)")
  endif()
endif()

set(CERT_FIXTURE_DIR "${CMAKE_CURRENT_BINARY_DIR}/cert-fixtures")
set(CERT_FIXTURE_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/cert-fixture.sh")

# The setup builds the example with cargo first: a cold build of its dev-dependencies takes
# minutes, the start itself is limited to 60 s by the script.
add_test(NAME cert_fixtures_start
         COMMAND "${BASH_EXECUTABLE}" "${CERT_FIXTURE_SCRIPT}" start "${CERT_FIXTURE_DIR}")
add_test(NAME cert_fixtures_stop
         COMMAND "${BASH_EXECUTABLE}" "${CERT_FIXTURE_SCRIPT}" stop "${CERT_FIXTURE_DIR}")
set_tests_properties(cert_fixtures_start PROPERTIES
  FIXTURES_SETUP cert_fixtures
  TIMEOUT 900)
set_tests_properties(cert_fixtures_stop PROPERTIES
  FIXTURES_CLEANUP cert_fixtures
  TIMEOUT 30)

add_test(NAME cert_matrix COMMAND $<TARGET_FILE:cert_matrix> "${CERT_FIXTURE_DIR}")
set_tests_properties(cert_matrix PROPERTIES
  FIXTURES_REQUIRED cert_fixtures
  TIMEOUT 300)
