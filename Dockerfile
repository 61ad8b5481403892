# rotor's image: the jar built by `mvn -q package -DskipTests`, its configuration, a JRE.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 rotor && mkdir -p /opt/rotor /var/lib/rotor && chown rotor /var/lib/rotor
COPY target/rotor.jar /opt/rotor/rotor.jar
COPY config /opt/rotor/config
WORKDIR /opt/rotor
USER rotor
# MALLOC_ARENA_MAX: RocksDB allocates from many threads; glibc's many malloc arenas kept more memory resident
ENV KAFKA_STATE_DIR=/var/lib/rotor \
    ROTOR_HTTP_BIND_ADDRESS=0.0.0.0 \
    MALLOC_ARENA_MAX=2
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-jar", "/opt/rotor/rotor.jar"]
# --verbose: the full log on standard output, where container runtimes collect it (no rotor.log in the image)
CMD ["run", "--verbose"]
