-- Supplier invoices (issue 5): drafts made from uploaded PDF/PNG/JPEG files or typed by hand,
-- reviewed and confirmed into stock; one confirmed invoice per issuer CUIT + letter + point of sale
-- + number; supplier article codes learned on confirmation for matching later invoices.
CREATE TABLE "invoice_supplier_codes" (
	"issuer_cuit" text NOT NULL,
	"code" text NOT NULL,
	"product_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_supplier_codes_pkey" PRIMARY KEY("issuer_cuit","code")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"invoice_type" integer,
	"letter" text,
	"point_of_sale" integer,
	"number" integer,
	"issue_date" date,
	"issuer_cuit" text,
	"issuer_name" text,
	"cae" text,
	"net" numeric(14, 2),
	"vat" numeric(14, 2),
	"other_taxes" numeric(14, 2),
	"total" numeric(14, 2),
	"supplier_id" uuid,
	"vat_breakdown" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"confidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"qr_payload" jsonb,
	"file_sha256" text,
	"file_type" text,
	"file_size" integer,
	"created_by" text NOT NULL,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_status_check" CHECK ("invoices"."status" in ('draft', 'confirmed')),
	CONSTRAINT "invoices_letter_check" CHECK ("invoices"."letter" is null or "invoices"."letter" in ('A', 'B', 'C')),
	CONSTRAINT "invoices_file_type_check" CHECK ("invoices"."file_type" is null or "invoices"."file_type" in ('pdf', 'png', 'jpeg')),
	CONSTRAINT "invoices_confirmed_identity_check" CHECK ("invoices"."status" <> 'confirmed' or ("invoices"."issuer_cuit" is not null and "invoices"."letter" is not null and "invoices"."point_of_sale" is not null and "invoices"."number" is not null))
);
--> statement-breakpoint
ALTER TABLE "invoice_supplier_codes" ADD CONSTRAINT "invoice_supplier_codes_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoices_status_created_idx" ON "invoices" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "invoices_created_idx" ON "invoices" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "invoices_file_idx" ON "invoices" USING btree ("file_sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_confirmed_identity_key" ON "invoices" USING btree ("issuer_cuit","letter","point_of_sale","number") WHERE "invoices"."status" = 'confirmed';