-- 0009_privacy_subject_rights: data-subject rights (issue 6, items 1-5). Consent and restriction
-- histories, rectifications (old values sealed under the customer's own data key), legal holds,
-- erasure receipts (also the journal a restore replays); customers may now be erased (sealed
-- columns and blind indexes cleared, a pseudonym kept) and sales may name a customer.
CREATE TABLE "customer_consent_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"marketing_consent" boolean NOT NULL,
	"source" text NOT NULL,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_erasures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"destroyed_data_key_id" uuid NOT NULL,
	"retained_data_key_id" uuid,
	"erased_fields" jsonb NOT NULL,
	"retained" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_legal_holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" text,
	CONSTRAINT "customer_legal_holds_reason_check" CHECK ("customer_legal_holds"."reason" in ('open_debt', 'fiscal', 'litigation'))
);
--> statement-breakpoint
CREATE TABLE "customer_rectifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"data_key_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"fields" jsonb NOT NULL,
	"old_values_sealed" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_restriction_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"restricted" boolean NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "name_sealed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "doc_type_sealed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "doc_number_sealed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ALTER COLUMN "doc_index" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "restricted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "restriction_reason" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pseudonym" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erasure_retained" jsonb;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "customer_id" uuid;--> statement-breakpoint
ALTER TABLE "customer_consent_events" ADD CONSTRAINT "customer_consent_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_erasures" ADD CONSTRAINT "customer_erasures_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_legal_holds" ADD CONSTRAINT "customer_legal_holds_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_rectifications" ADD CONSTRAINT "customer_rectifications_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_rectifications" ADD CONSTRAINT "customer_rectifications_data_key_id_data_keys_id_fk" FOREIGN KEY ("data_key_id") REFERENCES "public"."data_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_restriction_events" ADD CONSTRAINT "customer_restriction_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_consent_events_customer_idx" ON "customer_consent_events" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "customer_erasures_customer_idx" ON "customer_erasures" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customer_legal_holds_customer_idx" ON "customer_legal_holds" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customer_rectifications_customer_idx" ON "customer_rectifications" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "customer_restriction_events_customer_idx" ON "customer_restriction_events" USING btree ("customer_id","at");--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_pseudonym_key" ON "customers" USING btree ("pseudonym");--> statement-breakpoint
CREATE INDEX "stock_movements_customer_idx" ON "stock_movements" USING btree ("customer_id","created_at") WHERE "stock_movements"."customer_id" is not null;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_erased_pseudonym_check" CHECK (("customers"."erased_at" is null) = ("customers"."pseudonym" is null));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_live_fields_check" CHECK ("customers"."erased_at" is not null or ("customers"."name_sealed" is not null and "customers"."doc_type_sealed" is not null and "customers"."doc_number_sealed" is not null and "customers"."doc_index" is not null));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_erased_index_check" CHECK ("customers"."erased_at" is null or ("customers"."doc_index" is null and "customers"."email_index" is null));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_restriction_check" CHECK (("customers"."restricted_at" is null) = ("customers"."restriction_reason" is null));--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_customer_check" CHECK ("stock_movements"."customer_id" is null or "stock_movements"."type" = 'out');