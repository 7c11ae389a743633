-- 0004_audit_chain_alerts: makes the audit trail tamper-evident and watched. audit_seals is the
-- hash chain (one seal per event, in the order a single sealer appended them, append-only like
-- audit_events); audit_pending queues committed events for the sealer, filled by a trigger in
-- the inserting transaction so writers never wait on a chain head and no committed event can be
-- missed, however late it commits; audit_alerts holds the anomaly alerts and is their webhook
-- outbox. Events written before this migration are queued here and sealed on the next start.
CREATE TABLE "audit_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"summary" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"dedup_key" text NOT NULL,
	"dedup_until" timestamp with time zone NOT NULL,
	"evidence_seqs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status_changed_at" timestamp with time zone,
	"status_changed_by" text,
	"status_note" text,
	"delivery_state" text DEFAULT 'none' NOT NULL,
	"delivery_attempts" integer DEFAULT 0 NOT NULL,
	"next_delivery_at" timestamp with time zone,
	"last_delivery_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_alerts_severity_check" CHECK ("audit_alerts"."severity" in ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "audit_alerts_status_check" CHECK ("audit_alerts"."status" in ('open', 'acknowledged', 'closed')),
	CONSTRAINT "audit_alerts_delivery_state_check" CHECK ("audit_alerts"."delivery_state" in ('none', 'pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "audit_pending" (
	"seq" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"position" bigint PRIMARY KEY NOT NULL,
	"event_seq" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "audit_seals_event_seq_key" UNIQUE("event_seq"),
	CONSTRAINT "audit_seals_position_check" CHECK ("audit_seals"."position" > 0),
	CONSTRAINT "audit_seals_hash_check" CHECK (octet_length("audit_seals"."hash") = 32)
);
--> statement-breakpoint
ALTER TABLE "audit_seals" ADD CONSTRAINT "audit_seals_event_seq_audit_events_seq_fk" FOREIGN KEY ("event_seq") REFERENCES "public"."audit_events"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_alerts_at_idx" ON "audit_alerts" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "audit_alerts_dedup_idx" ON "audit_alerts" USING btree ("dedup_key","dedup_until");--> statement-breakpoint
CREATE INDEX "audit_alerts_delivery_due_idx" ON "audit_alerts" USING btree ("next_delivery_at") WHERE "audit_alerts"."delivery_state" = 'pending';--> statement-breakpoint
-- Hand-written below: drizzle does not model triggers. The seals refuse UPDATE, DELETE and
-- TRUNCATE for every role, like the events they cover.
CREATE FUNCTION "audit_seals_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_seals is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_seals_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_seals"
  FOR EACH ROW EXECUTE FUNCTION "audit_seals_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_seals_no_truncate" BEFORE TRUNCATE ON "audit_seals"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_seals_refuse_change"();
--> statement-breakpoint
-- One statement-level trigger per INSERT (not per row): bulk inserts queue their events in one go.
CREATE FUNCTION "audit_events_enqueue_seal"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "audit_pending" ("seq") SELECT "seq" FROM "new_events";
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_enqueue_seal" AFTER INSERT ON "audit_events"
  REFERENCING NEW TABLE AS "new_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_enqueue_seal"();
--> statement-breakpoint
INSERT INTO "audit_pending" ("seq") SELECT "seq" FROM "audit_events";
